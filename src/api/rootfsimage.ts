import { z } from "zod";
import { artifacts, conditions, osIdentity, sha256Hex } from "./common.js";
import { apiVersion } from "./group.js";
import { objectMeta } from "./rootfsbuild.js";

export const rootfsImageSpec = z
  .object({
    os: osIdentity.describe("The operating system of the rootfs."),
    buildKey: sha256Hex.describe("Content hash of everything that determined this output."),
    isoSHA256: sha256Hex.optional().describe("sha256 of the installer ISO it was built from."),
    kernelVersion: z
      .string()
      .max(128)
      .optional()
      .describe("Version of the kernel in /boot, e.g. 6.6.0-28.0.0.34.oe2403.x86_64."),
    packageCount: z.int().min(0).optional().describe("Number of packages installed in the rootfs."),
    layout: z.enum(["flat", "compass-ci"]).describe("Layout of the artifacts in storage."),
    size: z.string().max(32).describe("Total size of the artifacts, human readable."),
    artifacts: artifacts,
    storage: z
      .object({
        pvc: z
          .object({
            namespace: z.string().max(63).describe("Namespace of the claim."),
            claimName: z.string().max(253).describe("Name of the claim."),
            subPath: z.string().max(512).describe("Directory inside the claim."),
          })
          .optional(),
        s3: z
          .object({
            endpoint: z.string().max(2048).optional(),
            bucket: z.string().max(63),
            prefix: z.string().max(512),
          })
          .optional(),
      })
      .describe("Where the artifacts were published."),
    createdFrom: z
      .object({
        namespace: z.string().max(63),
        name: z.string().max(253),
        uid: z.string().max(64),
        generation: z.int().min(0),
      })
      .describe("The RootfsBuild that produced this entry."),
  })
  .describe("A published rootfs: what it is, where its artifacts are, and how to verify them.")
  .meta({
    "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "a catalog entry is immutable" }],
  });

export const rootfsImageStatus = z
  .object({
    observedGeneration: z.int().min(0).optional(),
    conditions: conditions.optional(),
  })
  .describe("Observed state of the catalog entry.");

export const rootfsImage = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal("RootfsImage"),
  metadata: objectMeta,
  spec: rootfsImageSpec,
  status: rootfsImageStatus.optional(),
});

export type RootfsImage = z.output<typeof rootfsImage>;
export type RootfsImageSpec = z.output<typeof rootfsImageSpec>;
