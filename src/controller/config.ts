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
  /** Request /dev/kvm for the extract Job's libguestfs appliance (devices.kubevirt.io/kvm). */
  kvmDevice: z.boolean().default(true),
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
