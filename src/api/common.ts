import { z } from "zod";
import { durationPattern, parseQuantity, quantityPattern } from "./quantity.js";

// Building blocks shared by every resource. Every string and list is bounded: the apiserver needs
// bounds to estimate CEL cost, and unbounded input is a denial of service waiting to happen.

export const dnsLabel = (description: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower case letters, digits and '-'")
    .describe(description);

export const dnsSubdomain = (description: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
      "must be a DNS subdomain: lower case letters, digits, '-' and '.'",
    )
    .describe(description);

export const httpUrl = (description: string) =>
  z
    .string()
    .min(1)
    .max(2048)
    .regex(/^(https?|file):\/\/\S+$/, "must be an http://, https:// or file:// URL")
    .describe(description);

export const sha256Digest = z
  .string()
  .max(71)
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" followed by 64 lower-case hex digits');

export const sha256Hex = z
  .string()
  .length(64)
  .regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");

/** A path inside a volume: relative, and never climbing out of it with "..". */
export const relativePath = (description: string) =>
  z
    .string()
    .max(512)
    .regex(/^([^/].*)?$/, "must be a relative path")
    .refine((v) => !v.split("/").includes(".."), "must not contain '..'")
    .describe(description)
    .meta({
      "x-kubernetes-validations": [
        { rule: "!self.split('/').exists(p, p == '..')", message: "must not contain '..'" },
      ],
    });

/** A size such as 20Gi, bounded below so an obviously unusable value is refused up front. */
export const quantity = (description: string, minimum: string) =>
  z
    .string()
    .max(32)
    .regex(new RegExp(quantityPattern), {
      message: "must be a quantity such as 20Gi or 512Mi (no sign)",
      abort: true,
    })
    .refine((v) => parseQuantity(v) >= parseQuantity(minimum), `must be at least ${minimum}`)
    .describe(description)
    .meta({
      "x-kubernetes-validations": [
        {
          rule: `quantity(self).compareTo(quantity('${minimum}')) >= 0`,
          message: `must be at least ${minimum}`,
        },
      ],
    });

export const duration = (description: string) =>
  z
    .string()
    .min(2)
    .max(32)
    .regex(new RegExp(durationPattern), "must be a duration such as 90m, 2h or 1h30m")
    .describe(description);

export const secretKeyRef = (description: string) =>
  z
    .strictObject({
      name: dnsSubdomain("Name of a Secret in the build's namespace."),
      key: z.string().min(1).max(253).describe("Key within the Secret's data."),
    })
    .describe(description);

export const configMapKeyRef = (description: string) =>
  z
    .strictObject({
      name: dnsSubdomain("Name of a ConfigMap in the build's namespace."),
      key: z.string().min(1).max(253).describe("Key within the ConfigMap's data."),
    })
    .describe(description);

/** metav1.Condition, as the Kubernetes API conventions define it. */
export const condition = z
  .object({
    type: z
      .string()
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .describe("Type of condition in CamelCase, e.g. Succeeded or Ready."),
    status: z.enum(["True", "False", "Unknown"]).describe("Status of the condition: True, False or Unknown."),
    observedGeneration: z
      .int()
      .min(0)
      .optional()
      .describe("The .metadata.generation the condition was set from."),
    lastTransitionTime: z.iso
      .datetime()
      .describe("Last time the condition changed from one status to another."),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe("Programmatic identifier for the last transition, in CamelCase."),
    message: z.string().max(32768).describe("Human-readable details about the last transition."),
  })
  .describe("A condition in the metav1.Condition shape.");

export type Condition = z.infer<typeof condition>;

export const conditions = z
  .array(condition)
  .max(16)
  .describe("Latest observations of the object's state.")
  .meta({ "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] });

export const osIdentity = z.strictObject({
  distro: z
    .enum(["openeuler", "centos-stream", "rocky", "almalinux", "fedora", "rhel", "debian", "ubuntu"])
    .describe("Distribution the installer ISO belongs to."),
  release: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, "must be a release such as 24.03-LTS-SP1, 9, 42 or 24.04")
    .describe("Release as the distribution names it, e.g. 24.03-LTS-SP1, 9, 42, 12, 24.04."),
  arch: z.enum(["x86_64", "aarch64"]).describe("CPU architecture of the ISO and of the resulting rootfs."),
});

export type OsIdentity = z.infer<typeof osIdentity>;
export type Distro = OsIdentity["distro"];
export type Arch = OsIdentity["arch"];
export const distros = osIdentity.shape.distro.options;
export const arches = osIdentity.shape.arch.options;

export const artifactKinds = [
  "nfsroot",
  "cgz",
  "kernel",
  "initrd",
  "modules",
  "tarball",
  "qcow2",
  "manifest",
] as const;

export const artifact = z.object({
  kind: z.enum(artifactKinds).describe("What the artifact is."),
  location: z
    .string()
    .max(2048)
    .describe("Where it is: a path inside the storage PVC, an s3:// URL, or a local path."),
  size: z.int().min(0).describe("Size in bytes (for the nfsroot tree: the sum of its regular files)."),
  sha256: sha256Hex
    .optional()
    .describe("sha256 of the file; for the nfsroot tree, of its manifest (one line per entry)."),
});

export type Artifact = z.infer<typeof artifact>;

export const artifacts = z
  .array(artifact)
  .max(16)
  .describe("The outputs, with their locations, sizes and digests.");
