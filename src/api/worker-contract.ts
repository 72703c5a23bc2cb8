// The contract between the cluster backend and `rootfs worker fetch|remaster|install|extract`: the
// configuration the backend writes into a Secret mounted at /config, and the result each command writes
// to its termination message (/dev/termination-log), which the backend reads back from the finished
// Pod's status: one compact JSON object, at most 4096 bytes (the kubelet truncates longer messages).
// Exit 0 with a result on success; exit non-zero with a failure.
import { z } from "zod";
import { artifacts, osIdentity, sha256Hex } from "./common.js";
import { failureReasons, type FailureReason } from "../reasons/status-reasons.js";
import { rootfsBuild, stepNames } from "./rootfsbuild.js";
import { source } from "./rootfsbuild-spec.js";

/** The key of the extract and install workers' configuration in the answer Secret. */
export const buildConfigKey = "build.json";
/** The key of the fetch and remaster workers' configuration in the prepare Secret. */
export const prepareConfigKey = "prepare.json";

/** /config/build.json: the build as the operator resolved it. */
export const buildConfigSchema = rootfsBuild.extend({
  key: z.string(),
  isoKey: z.string(),
  sourceSHA256: z.string(),
});

/** The operator's sources policy (src/controller/config.ts), which the worker's download follows too. */
const sourcePolicySchema = z.object({
  allowPlainHTTP: z.boolean(),
  allowPrivateAddresses: z.boolean(),
  allowFileURLs: z.boolean(),
  allowInsecureSkipChecksum: z.boolean(),
  maxSourceBytes: z.number().int().positive(),
});

/**
 * /config/prepare.json: the source with the digest pinned when the build started as a literal (never
 * the checksum file, which could answer differently now), and the policy its download follows.
 */
export const prepareConfigSchema = z.object({
  source,
  os: osIdentity,
  isoKey: z.string(),
  sourceSHA256: z.string(),
  policy: sourcePolicySchema.optional(),
});

export type BuildConfig = z.output<typeof buildConfigSchema>;
export type PrepareConfig = z.output<typeof prepareConfigSchema>;
/** The kubelet keeps at most this many bytes of a container's termination message. */
export const terminationMessageLimit = 4096;

const failureReasonNames = Object.keys(failureReasons) as [FailureReason, ...FailureReason[]];

/** Written by either command when it fails: a documented reason and what the user should do next. */
export const workerFailureSchema = z.object({
  reason: z.enum(failureReasonNames),
  message: z.string().min(1),
});

/** When the worker's own steps ran (e.g. fetch and remaster within the prepare Job). */
export const workerStepsSchema = z
  .array(
    z.object({
      name: z.enum(stepNames),
      startTime: z.iso.datetime(),
      completionTime: z.iso.datetime(),
    }),
  )
  .max(4);

/**
 * Written by `rootfs worker fetch` (the source's digest) and `rootfs worker remaster` (after
 * /iso/disk.img is complete, renamed into place), each to its own container's termination message.
 */
export const prepareResultSchema = z.object({
  /** sha256 of the downloaded source ISO, as verified. */
  sourceSHA256: sha256Hex.optional(),
  /** Volume id of the remastered ISO. */
  volumeId: z.string().optional(),
  steps: workerStepsSchema.optional(),
});

/**
 * Written by `rootfs worker extract` after every artifact is published (and verified). Locations are
 * s3:// URLs, or paths relative to --out (the storage PVC's subPath, which the backend prefixes).
 */
export const extractResultSchema = z.object({
  artifacts,
  kernelVersion: z.string().max(128).optional(),
  packageCount: z.int().min(0).optional(),
  steps: workerStepsSchema.optional(),
});

export type WorkerFailure = z.infer<typeof workerFailureSchema>;
export type PrepareResult = z.infer<typeof prepareResultSchema>;
export type ExtractResult = z.infer<typeof extractResultSchema>;

/** The message parsed with `schema`, or undefined when it is absent, not JSON or not of that shape. */
export function parseWorkerMessage<S extends z.ZodType>(
  schema: S,
  message: string | undefined,
): z.output<S> | undefined {
  if (!message) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
