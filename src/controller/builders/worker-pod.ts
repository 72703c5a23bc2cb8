// The pod shared by the prepare and extract Jobs: the worker image, run as non-root so that it passes the
// Pod Security "restricted" profile, with a writable /tmp as the only scratch space. The one exception is
// the extract Pod that writes an nfsroot tree (see treeWriter).
import { buildConfigKey, prepareConfigKey } from "../../api/worker-contract.js";
import type { BuildContext } from "./build-context.js";
import type { KvmAccess } from "./kvm.js";
import type {
  Container,
  ContainerSecurityContext,
  EnvVar,
  PodSecurityContext,
  PodTemplate,
  PodVolume,
  VolumeMount,
} from "./core-types.js";

/** The distroless "nonroot" user; any non-zero uid works. */
export const workerUid = 65532;
export const configDir = "/config";
/** The container whose termination message is the step's result (the last one to run). */
export const workerContainer = "worker";
export const buildConfigPath = `${configDir}/${buildConfigKey}`;
export const prepareConfigPath = `${configDir}/${prepareConfigKey}`;

export const podSecurityContext = (): PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: workerUid,
  runAsGroup: workerUid,
  // Makes the PVCs writable for the non-root user on volume plugins that support ownership management.
  fsGroup: workerUid,
  seccompProfile: { type: "RuntimeDefault" },
});

export const containerSecurityContext = (): ContainerSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: workerUid,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
});

/**
 * What writing an nfsroot tree takes, which no non-root process has: files owned by the guest's users,
 * device nodes, file capabilities, setuid bits, and directories without write permission filled in.
 * Root with only these capabilities passes Pod Security "baseline", not "restricted".
 */
export const treeWriterCapabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "MKNOD", "SETFCAP"];

export const treeWriter = {
  pod: (): PodSecurityContext => ({
    runAsNonRoot: false,
    runAsUser: 0,
    runAsGroup: 0,
    seccompProfile: { type: "RuntimeDefault" },
  }),
  container: (): ContainerSecurityContext => ({
    runAsNonRoot: false,
    runAsUser: 0,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"], add: [...treeWriterCapabilities] },
  }),
};

export interface WorkerPodParts {
  labels: Record<string, string>;
  /** A step that runs to completion first, in its own container (e.g. fetch before remaster). */
  init?: { name: string; command: string[] };
  /** The Secret mounted at /config: the step's configuration (and, for prepare, embedded answers). */
  configSecret: string;
  command: string[];
  /** Besides HOME. */
  env: EnvVar[];
  /** Besides /config and /tmp. */
  mounts: VolumeMount[];
  volumes: PodVolume[];
  /** Bytes of /tmp (an emptyDir with this sizeLimit): the step's scratch space. */
  scratchBytes: number;
  /** Bytes of the other emptyDirs in `volumes`, which count against the Pod's ephemeral storage too. */
  otherEphemeralBytes?: number;
  /** /dev/kvm: its extended resource in the limits, and the group that may open it. */
  kvm?: KvmAccess;
  /** CPU and memory instead of the operator's workerResources (e.g. sized to an install VM). */
  compute?: { requests: Record<string, string>; limits: Record<string, string> };
  /** Run as root with treeWriterCapabilities (Pod Security "baseline") instead of non-root ("restricted"). */
  writesTree?: boolean;
}

export function workerPodTemplate(ctx: BuildContext, parts: WorkerPodParts): PodTemplate {
  const { workerImage, workerImagePullPolicy, workerResources, nodeSelectors } = ctx.config;
  // Requested and limited alike, so a step that writes more than it said is evicted, not the node filled.
  const ephemeral = { "ephemeral-storage": gibibytes(parts.scratchBytes + (parts.otherEphemeralBytes ?? 0)) };
  const defaults = { cpu: workerResources.cpu, memory: workerResources.memory };
  const compute = parts.compute ?? { requests: defaults, limits: defaults };
  const supplementalGroups = parts.kvm?.supplementalGroups;
  const container = (name: string, command: string[]): Container => ({
    name,
    image: workerImage,
    imagePullPolicy: workerImagePullPolicy,
    command,
    // Copies: containers of one Pod share no objects, so a caller editing one edits only that one.
    env: structuredClone([{ name: "HOME", value: "/tmp" }, ...parts.env]),
    volumeMounts: structuredClone([
      ...parts.mounts,
      { name: "config", mountPath: configDir, readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ]),
    resources: {
      requests: { ...compute.requests, ...ephemeral },
      limits: { ...compute.limits, ...ephemeral, ...parts.kvm?.limits },
    },
    securityContext: parts.writesTree ? treeWriter.container() : containerSecurityContext(),
    terminationMessagePolicy: "File",
  });
  return {
    metadata: { labels: { ...parts.labels } },
    spec: {
      restartPolicy: "Never",
      // The worker reads everything from /config and reports through its termination message.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        ...(parts.writesTree ? treeWriter.pod() : podSecurityContext()),
        ...(supplementalGroups && { supplementalGroups: [...supplementalGroups] }),
      },
      nodeSelector: { ...nodeSelectors[ctx.build.spec.os.arch] },
      ...(parts.init && { initContainers: [container(parts.init.name, parts.init.command)] }),
      containers: [container(workerContainer, parts.command)],
      volumes: [
        ...parts.volumes,
        { name: "config", secret: { secretName: parts.configSecret } },
        { name: "tmp", emptyDir: { sizeLimit: gibibytes(parts.scratchBytes) } },
      ],
    },
  };
}

/** A quantity of whole Gi, rounded up: what a size limit or request says. */
export function gibibytes(bytes: number): string {
  return `${Math.max(1, Math.ceil(bytes / 2 ** 30))}Gi`;
}
