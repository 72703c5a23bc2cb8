import { z } from "zod";
import { parseDuration, parseQuantity } from "../api/quantity.js";
import type { SourcePolicy } from "../steps/fetch/source-policy.js";

const namespaceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a namespace name")
  .max(63);

/**
 * Storage whose catalog entries every namespace may use: written by builds of `namespace` only, to its
 * PVC `pvc` and/or the S3 bucket `s3`. The platform admin vouches that tenants cannot change what is
 * there (docs/security.md).
 */
const sharedStorage = z
  .object({
    namespace: namespaceName,
    pvc: z.object({ claimName: z.string().min(1) }).optional(),
    s3: z.object({ bucket: z.string().min(1), endpoint: z.string().optional() }).optional(),
  })
  .refine((s) => s.pvc !== undefined || s.s3 !== undefined, "name a pvc or an s3 bucket");

/** How the operator runs builds in a cluster: images, storage defaults, and where install VMs may run. */
export const operatorConfigSchema = z.object({
  /** Namespace the operator runs in; its Leases live here. */
  namespace: z.string().default("rootfs-system"),
  /**
   * Namespaces whose builds this operator reconciles; empty means every namespace. With a list, the
   * chart grants namespaced Roles instead of a ClusterRole for the children.
   */
  watchNamespaces: z.array(namespaceName).default([]),
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
  workerResources: z
    .object({
      cpu: z.string().default("1"),
      memory: z.string().default("2Gi"),
      /** Scratch space (/tmp) of each worker Pod: the libguestfs appliance and qemu's overlay. */
      scratch: z.string().default("4Gi"),
    })
    .prefault({}),
  /** What tenants' sources may be. Off by default: each widens what the operator fetches for them. */
  sources: z
    .object({
      allowPlainHTTP: z.boolean().default(false),
      /** Loopback and private addresses (private mirrors); link-local addresses are always refused. */
      allowPrivateAddresses: z.boolean().default(false),
      allowFileURLs: z.boolean().default(false),
      allowInsecureSkipChecksum: z.boolean().default(false),
      /** Largest ISO accepted: on its Content-Length, while downloading, and as the ISO PVC's size. */
      maxISOSize: z
        .string()
        .default("32Gi")
        .refine((q) => safeQuantity(q) > 0, "must be a quantity such as 32Gi"),
    })
    .prefault({}),
  catalog: z
    .object({
      /** Entries in these places serve builds of every namespace; every other entry only its own namespace. */
      shared: z.array(sharedStorage).default([]),
    })
    .prefault({}),
  /**
   * How long a build-key claim lasts without renewal. Running work renews it; a build waiting on the
   * key takes it over once it lapses.
   */
  claimDuration: z
    .string()
    .default("5m")
    .refine((d) => safeDuration(d) >= 1000, "must be a duration of at least 1s, such as 5m"),
});

export type OperatorConfig = z.infer<typeof operatorConfigSchema>;
export type SharedStorage = z.infer<typeof sharedStorage>;

/** The fetch policy the operator applies to tenants' sources (its own requests and its workers'). */
export function sourcePolicyOf(config: OperatorConfig): SourcePolicy {
  const { maxISOSize, ...allow } = config.sources;
  return { ...allow, maxSourceBytes: parseQuantity(maxISOSize) };
}

function safeQuantity(q: string): number {
  try {
    return parseQuantity(q);
  } catch {
    return 0;
  }
}

function safeDuration(d: string): number {
  try {
    return parseDuration(d);
  } catch {
    return 0;
  }
}
