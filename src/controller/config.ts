import { z } from "zod";

/** How the operator runs builds in a cluster: images, storage defaults, and where install VMs may run. */
export const operatorConfigSchema = z.object({
  /** Namespace the operator runs in; its Leases live here. */
  namespace: z.string().default("rootfs-system"),
  /** Image with the `rootfs` CLI, libguestfs, qemu-img, xorriso, mtools, pigz, cpio, bsdtar. */
  workerImage: z.string().default("ghcr.io/rootfs-operator/worker:0.1.0"),
  workerImagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).default("IfNotPresent"),
  /** StorageClass for the ISO and target-disk PVCs; empty means the cluster default. */
  storageClassName: z.string().optional(),
  /** Request /dev/kvm for the extract Job's libguestfs appliance and install Pods (devices.kubevirt.io/kvm). */
  kvmDevice: z.boolean().default(true),
  /**
   * Group owning /dev/kvm on the nodes: Pods given the device get it as a supplemental group, so a non-root
   * worker can open it. Unneeded where /dev/kvm is mode 0666 or the runtime sets device ownership.
   */
  kvmGroupId: z.int().min(1).optional(),
  /**
   * Where installers run: KubeVirt VMs, or qemu in a Pod (pod). auto: KubeVirt when the cluster serves
   * kubevirt.io/v1, Pods otherwise.
   */
  installRuntime: z.enum(["auto", "kubevirt", "pod"]).default("auto"),
  /** nodeSelector for install VMs and worker Jobs, per architecture. */
  nodeSelectors: z
    .object({
      x86_64: z.record(z.string(), z.string()).default({ "kubernetes.io/arch": "amd64" }),
      aarch64: z.record(z.string(), z.string()).default({ "kubernetes.io/arch": "arm64" }),
    })
    .prefault({}),
  /** Storage used when a build has no spec.storage. */
  defaultStorage: z
    .object({ pvc: z.object({ claimName: z.string(), subPath: z.string().default("") }).optional() })
    .default({}),
  workerResources: z.object({ cpu: z.string().default("1"), memory: z.string().default("2Gi") }).prefault({}),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;
