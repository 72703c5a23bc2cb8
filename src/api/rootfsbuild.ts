import { z } from "zod";
import { artifacts, conditions, dnsSubdomain, sha256Digest, sha256Hex } from "./common.js";
import { apiVersion } from "./group.js";
import { phases } from "../reasons/status-reasons.js";
import { rootfsBuildSpec } from "./rootfsbuild-spec.js";

export const stepNames = ["fetch", "remaster", "install", "extract", "publish"] as const;
export type StepName = (typeof stepNames)[number];

export const rootfsBuildStatus = z
  .object({
    observedGeneration: z.int().min(0).optional().describe("The .metadata.generation this status reflects."),
    phase: z.enum(phases).optional().describe("One-word summary for humans; conditions are authoritative."),
    conditions: conditions.optional(),
    buildKey: sha256Hex
      .optional()
      .describe("Content hash of everything that determines the output; equal keys mean identical builds."),
    isoSHA256: sha256Hex.optional().describe("sha256 of the source ISO the build used."),
    source: z
      .object({
        url: z.string().max(2048).describe("URL the source is downloaded from."),
        checksum: sha256Digest
          .optional()
          .describe(
            "The digest every step verifies the source against, resolved once when the generation started (or a refresh looked again).",
          ),
      })
      .optional()
      .describe("The source as resolved for this generation."),
    progress: z
      .object({
        step: z.enum(stepNames).describe("Step in progress."),
        percent: z.int().min(0).max(100).optional().describe("Completion of the step, when known."),
        message: z
          .string()
          .max(1024)
          .optional()
          .describe("Latest progress line, e.g. 'Installing bash (12/156)'."),
      })
      .optional()
      .describe("Progress of the running step."),
    steps: z
      .array(
        z.object({
          name: z.enum(stepNames),
          startTime: z.iso.datetime().optional(),
          completionTime: z.iso.datetime().optional(),
        }),
      )
      .max(8)
      .optional()
      .describe("Start and completion time of each step."),
    artifacts: artifacts.optional(),
    size: z.string().max(32).optional().describe("Total size of the artifacts, human readable."),
    image: z
      .string()
      .max(253)
      .optional()
      .describe("Name of the RootfsImage catalog entry holding the result."),
    startTime: z.iso.datetime().optional().describe("When the build of the observed generation started."),
    completionTime: z.iso.datetime().optional().describe("When it succeeded or failed."),
    lastRefreshTime: z.iso.datetime().optional().describe("When spec.refresh last re-read the checksum URL."),
  })
  .describe("Observed state of the build.");

export type RootfsBuildStatus = z.infer<typeof rootfsBuildStatus>;

/** The metadata fields the CLI and operator read; the apiserver owns the rest. */
export const objectMeta = z.object({
  name: z.string().min(1).max(253),
  namespace: z.string().max(63).optional(),
  uid: z.string().optional(),
  generation: z.int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  finalizers: z.array(z.string()).optional(),
  deletionTimestamp: z.string().optional(),
  creationTimestamp: z.string().optional(),
});

/**
 * A build's name reaches child names, label values and the catalog; 63 characters (a DNS label's length)
 * keep every one of them readable. The apiserver checks the same (crd.ts, nameRule).
 */
export const maxBuildNameLength = 63;

export const rootfsBuild = z.object({
  apiVersion: z.literal(apiVersion),
  kind: z.literal("RootfsBuild"),
  metadata: objectMeta.extend({
    name: dnsSubdomain("Name of the build.").max(
      maxBuildNameLength,
      `must be at most ${maxBuildNameLength} characters`,
    ),
  }),
  spec: rootfsBuildSpec,
  status: rootfsBuildStatus.optional(),
});

export type RootfsBuild = z.output<typeof rootfsBuild>;
