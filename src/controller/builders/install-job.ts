import { parseDuration, parseQuantity } from "../../api/quantity.js";
import type { BuildContext } from "./build-context.js";
import { allChildNames, answerSecretName } from "./child-names.js";
import type { Job } from "./core-types.js";
import { kvmAccess } from "./kvm.js";
import { buildChildMeta, type OwnerObject } from "./object-meta.js";
import { isoImagePath, isoMountPath } from "./prepare-job.js";
import { targetMountPath } from "./extract-job.js";
import { buildConfigPath, workerPodTemplate } from "./worker-pod.js";

/** The serial console, kept on the target disk's PVC beside the disk it installed. */
export const installConsolePath = `${targetMountPath}/install-console.log`;
/** What qemu needs besides the guest's memory: its own code, device emulation and TCG's translation cache. */
const qemuOverheadMiB = 512;
/** The worker stops the VM at spec.install.timeout itself; the Job's deadline only catches a stuck worker. */
export const installDeadlineGraceSeconds = 600;

/**
 * The pod runtime's install: `rootfs worker install` runs qemu in the worker image, booting the remastered
 * ISO from the ISO PVC with the answer files (the answer Secret at /config) and installing onto
 * /target/disk.img, the file the extract Job reads, as KubeVirt would make it. Like the other worker Pods
 * it passes Pod Security "restricted": qemu under TCG needs no privilege, and /dev/kvm, when the nodes
 * offer it, comes from the device plugin with its group as a supplemental group. Sized like KubeVirt
 * sizes a virt-launcher: the guest's memory plus qemu's overhead, a tenth of a CPU requested per vCPU.
 * Not retried: a failed install leaves a half-written disk. Its scratch space (/tmp) is the workers'
 * usual one: the disk and the console log go to the target PVC.
 */
export function installJob(ctx: BuildContext, opts: { targetDiskPvc: OwnerObject }): Job {
  const names = allChildNames(ctx);
  const meta = buildChildMeta(ctx, names.installJob, "install");
  const { timeout, vm } = ctx.build.spec.install;
  const memory = `${Math.ceil(parseQuantity(vm.memory) / 2 ** 20) + qemuOverheadMiB}Mi`;
  const kvm = kvmAccess(ctx);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: meta,
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(parseDuration(timeout) / 1000) + installDeadlineGraceSeconds,
      template: workerPodTemplate(ctx, {
        labels: meta.labels,
        configSecret: answerSecretName(ctx, opts.targetDiskPvc),
        command: [
          ...["rootfs", "worker", "install", "--config", buildConfigPath],
          ...[
            "--iso",
            isoImagePath,
            "--disk",
            `${targetMountPath}/disk.img`,
            "--console",
            installConsolePath,
          ],
          // KVM when the Pod has the device and it works; the worker says which it used.
          ...["--accel", ctx.config.kvmDevice ? "auto" : "tcg", "--result", "/dev/termination-log"],
        ],
        env: [],
        mounts: [
          { name: "iso", mountPath: isoMountPath, readOnly: true },
          { name: "target", mountPath: targetMountPath },
        ],
        volumes: [
          { name: "iso", persistentVolumeClaim: { claimName: names.isoPvc, readOnly: true } },
          { name: "target", persistentVolumeClaim: { claimName: names.targetDiskPvc } },
        ],
        kvm,
        compute: { requests: { cpu: `${vm.cpu * 100}m`, memory }, limits: { memory } },
        scratchBytes: parseQuantity(ctx.config.workerResources.scratch),
      }),
    },
  };
}
