// What `rootfs worker fetch|remaster|install|extract` writes to its termination message (/dev/termination-log) and the
// backend reads back from the finished Pod's status: one compact JSON object, at most 4096 bytes
// (the kubelet truncates longer messages). Exit 0 with a result on success; exit non-zero with a failure.
import { z } from "zod";
import { artifacts, sha256Hex } from "../../api/common.js";
import { failureReasons, type FailureReason } from "../../api/reasons.js";
import { stepNames } from "../../api/rootfsbuild.js";

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
