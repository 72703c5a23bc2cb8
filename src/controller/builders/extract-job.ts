import { s3EnvNames } from "../../steps/publish/s3/index.js";
import type { BuildContext } from "./build-context.js";
import { parseQuantity } from "../../api/quantity.js";
import { allChildNames, answerSecretName } from "./child-names.js";
import type { EnvVar, Job, PodVolume, VolumeMount } from "./core-types.js";
import { kvmAccess } from "./kvm.js";
import { buildChildMeta, type OwnerObject } from "./object-meta.js";
import type { ResolvedStorage, S3Storage } from "./storage.js";
import { buildConfigPath, gibibytes, workerPodTemplate } from "./worker-pod.js";

export const targetMountPath = "/target";
export const outputMountPath = "/output";

/**
 * Reads the installed disk with libguestfs (direct backend) and writes the outputs to the storage PVC
 * and/or uploads them to S3. Its result goes to the termination message. It runs as non-root (Pod
 * Security "restricted") unless it writes an nfsroot tree into the PVC: the guest's owners, device nodes
 * and file capabilities need root with a few capabilities ("baseline"). The cgz, kernel and tarball
 * carry owners in their headers, so builds without an nfsroot (or to S3 only) stay "restricted".
 */
export function extractJob(
  ctx: BuildContext,
  opts: { storage: ResolvedStorage; targetDiskPvc: OwnerObject },
): Job {
  const names = allChildNames(ctx);
  const meta = buildChildMeta(ctx, names.extractJob, "extract");
  // Without a PVC the outputs are staged in an emptyDir before the upload: at most the disk's size.
  const outputBytes = opts.storage.pvc ? 0 : parseQuantity(ctx.build.spec.install.diskSize);
  const output = outputVolume(opts.storage, outputBytes);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta,
    spec: {
      backoffLimit: 1,
      template: workerPodTemplate(ctx, {
        labels: meta.labels,
        configSecret: answerSecretName(ctx, opts.targetDiskPvc),
        command: [
          "rootfs",
          "worker",
          "extract",
          "--config",
          buildConfigPath,
          "--disk",
          `${targetMountPath}/disk.img`,
          "--out",
          outputMountPath,
          "--result",
          "/dev/termination-log",
          // Without a storage PVC, /output is scratch space: only what reached S3 is published.
          ...(opts.storage.pvc === undefined ? ["--output-ephemeral"] : []),
        ],
        env: [...libguestfsEnv(), ...(opts.storage.s3 ? s3Env(opts.storage.s3) : [])],
        mounts: [{ name: "target", mountPath: targetMountPath, readOnly: true }, output.mount],
        volumes: [
          { name: "target", persistentVolumeClaim: { claimName: names.targetDiskPvc, readOnly: true } },
          output.volume,
        ],
        kvm: kvmAccess(ctx),
        scratchBytes: parseQuantity(ctx.config.workerResources.scratch),
        otherEphemeralBytes: outputBytes,
        writesTree: writesNfsrootTree(ctx, opts.storage),
      }),
    },
  };
}

/** Whether the extract Job unpacks an nfsroot tree onto the storage PVC (S3 gets no tree). */
export function writesNfsrootTree(ctx: BuildContext, storage: ResolvedStorage): boolean {
  return storage.pvc !== undefined && ctx.build.spec.outputs.nfsroot;
}

// The direct backend runs qemu itself (no libvirtd); the appliance cache must go to the writable /tmp.
const libguestfsEnv = (): EnvVar[] => [
  { name: "LIBGUESTFS_BACKEND", value: "direct" },
  { name: "LIBGUESTFS_CACHEDIR", value: "/tmp" },
];

/** The storage PVC (at its subPath), or scratch space when the outputs only go to S3. */
function outputVolume(storage: ResolvedStorage, bytes: number): { mount: VolumeMount; volume: PodVolume } {
  if (storage.pvc === undefined) {
    return {
      mount: { name: "output", mountPath: outputMountPath },
      volume: { name: "output", emptyDir: { sizeLimit: gibibytes(bytes) } },
    };
  }
  const { claimName, subPath } = storage.pvc;
  return {
    mount: { name: "output", mountPath: outputMountPath, ...(subPath ? { subPath } : {}) },
    volume: { name: "output", persistentVolumeClaim: { claimName } },
  };
}

/** The upload target for `rootfs worker extract`; the credentials come from the user's Secret, unread by us. */
function s3Env(s3: S3Storage): EnvVar[] {
  const secret = s3.credentialsSecretRef.name;
  const fromSecret = (key: string): EnvVar => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  return [
    fromSecret(s3EnvNames.accessKeyId),
    fromSecret(s3EnvNames.secretAccessKey),
    { name: s3EnvNames.bucket, value: s3.bucket },
    { name: s3EnvNames.prefix, value: s3.prefix },
    ...(s3.endpoint ? [{ name: s3EnvNames.endpoint, value: s3.endpoint }] : []),
    { name: s3EnvNames.region, value: s3.region },
    { name: s3EnvNames.forcePathStyle, value: String(s3.forcePathStyle) },
  ];
}
