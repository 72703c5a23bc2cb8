import path from "node:path";
import type { FailureReason } from "../../reasons/status-reasons.js";
import type { StepName } from "../../api/rootfsbuild.js";
import { coreRefs } from "../../runtime/index.js";
import type { BuildOutcome } from "../catalog.js";
import {
  fetchContainer,
  namespaceOf,
  workerContainer,
  type BuildContext,
  type ResolvedStorage,
} from "../builders/index.js";
import {
  type Action,
  deleteIfPresent,
  failed,
  releaseIfOwned,
  running,
  type Decision,
} from "./vocabulary.js";
import { containerTermination, failureTermination, type JobOutcome } from "./job-status.js";
import { virtualMachineRef } from "./refs.js";
import type { Snapshot, ObservedJob, ObservedPod } from "./snapshot.js";
import { stepTimes } from "./step-times.js";
import {
  extractResultSchema,
  type ExtractResult,
  parseWorkerMessage,
  prepareResultSchema,
  workerFailureSchema,
} from "../../api/worker-contract.js";

/** A finished Job's Pod status can reach the cache after the Job's; this long we wait for it. */
export const resultGraceMs = 60_000;

type Finished<P extends JobOutcome["phase"]> = JobOutcome & { phase: P };

/** The extract Job succeeded: the worker's result, or ExtractFailed when it is unreadable or strays. */
export function extracted(
  ctx: BuildContext,
  snap: Snapshot,
  storage: ResolvedStorage,
  outcome: Finished<"succeeded">,
  now: Date,
): Decision {
  const termination = containerTermination(snap.extractPods, workerContainer, { successful: true });
  const result = parseWorkerMessage(extractResultSchema, termination?.message);
  if (!result) {
    if (!termination && withinGrace(outcome.at, now)) return running("extract", "Reading the extract result");
    const got = termination ? `an unreadable result: ${termination.message ?? "(empty)"}` : "no result";
    return failed(
      "ExtractFailed",
      `The extract Job ${snap.extractJob?.metadata.name} succeeded with ${got.slice(0, 1024)}; ` +
        "the worker must write its result to /dev/termination-log",
    );
  }
  const outputs = published(ctx, storage, result);
  if (typeof outputs === "string") return failed("ExtractFailed", outputs);
  return {
    state: {
      kind: "succeeded",
      ...outputs,
      sourceSHA256: fetchResult(snap)?.sourceSHA256,
      steps: stepTimes(snap, { prepare: preparedSteps(snap), extract: result.steps }),
    },
    actions: removeTemporaries(ctx, snap),
  };
}

/** The prepare Pod's fetch and remaster containers each report their own step. */
function preparedSteps(snap: Snapshot) {
  return [fetchContainer, workerContainer].flatMap((container) => {
    const ended = containerTermination(snap.preparePods, container, { successful: true });
    return parseWorkerMessage(prepareResultSchema, ended?.message)?.steps ?? [];
  });
}

function fetchResult(snap: Snapshot) {
  const ended = containerTermination(snap.preparePods, fetchContainer, { successful: true });
  return parseWorkerMessage(prepareResultSchema, ended?.message);
}

/**
 * Once the prepare Job succeeded: the digest its fetch container verified must be the one pinned when
 * the build started. Undefined when it is; else the decision to wait for the result, or to fail.
 */
export function sourceUnverified(
  ctx: BuildContext,
  snap: Snapshot,
  outcome: JobOutcome | undefined,
  now: Date,
): Decision | undefined {
  if (outcome?.phase !== "succeeded" || !ctx.pinnedChecksum) return undefined;
  const reported = fetchResult(snap)?.sourceSHA256;
  if (reported === ctx.sourceSHA256) return undefined;
  if (reported === undefined && withinGrace(outcome.at, now))
    return running("fetch", "Reading the fetch result");
  const name = snap.prepareJob?.metadata.name;
  return reported === undefined
    ? failed("DownloadFailed", `The prepare Job ${name} succeeded without reporting the source's digest`)
    : failed(
        "ChecksumMismatch",
        `The prepare Job ${name} verified the source as sha256:${reported}, but the build pinned ` +
          `sha256:${ctx.sourceSHA256} when it started; nothing was installed or published`,
      );
}

/**
 * The catalog's record of the outputs. Where they are comes from the spec and the operator's config,
 * never from the worker; the worker's locations must lie inside that storage (relative paths inside the
 * PVC's subPath, s3:// URLs under the bucket and prefix), or the result is refused with a message.
 */
function published(
  ctx: BuildContext,
  storage: ResolvedStorage,
  result: ExtractResult,
): BuildOutcome | string {
  const { pvc, s3 } = storage;
  const subPath = pvc?.subPath ?? "";
  const s3Root = s3 && `s3://${s3.bucket}/${s3.prefix ? `${s3.prefix.replace(/\/+$/, "")}/` : ""}`;
  const artifacts = [];
  for (const a of result.artifacts) {
    const isUrl = /^[a-z][a-z0-9+.-]*:\/\//.test(a.location);
    const inside = isUrl
      ? s3Root !== undefined && a.location.startsWith(s3Root) && !a.location.split("/").includes("..")
      : pvc !== undefined && isInsideRelative(a.location);
    if (!inside)
      return `The extract worker reported an artifact outside the build's storage (${a.location.slice(0, 256)}); nothing was published`;
    artifacts.push(isUrl ? a : { ...a, location: path.posix.join(subPath, a.location) });
  }
  return {
    artifacts,
    storage: {
      ...(pvc && { pvc: { namespace: namespaceOf(ctx), claimName: pvc.claimName, subPath } }),
      ...(s3 && { s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: s3.prefix } }),
    },
    kernelVersion: result.kernelVersion,
    packageCount: result.packageCount,
  };
}

/** A relative path that stays inside the directory it is relative to. */
function isInsideRelative(location: string): boolean {
  const normal = path.posix.normalize(location);
  return location !== "" && !location.startsWith("/") && normal !== ".." && !normal.startsWith("../");
}

/**
 * The VM and its disk (with the answer Secret, which the disk owns) are not needed once the outputs are
 * published, nor is this build's share of the ISO. The extract Job stays: its Pod holds the result a repeated pass reads again.
 */
function removeTemporaries(ctx: BuildContext, snap: Snapshot): Action[] {
  const uid = ctx.build.metadata.uid ?? "";
  return [
    ...deleteIfPresent(virtualMachineRef, snap.vm),
    ...deleteIfPresent(coreRefs.pvc, snap.targetPvc),
    ...releaseIfOwned(coreRefs.job, snap.prepareJob, uid),
    ...releaseIfOwned(coreRefs.pvc, snap.isoPvc, uid),
  ];
}

/** A failed worker Job: the reason the worker reported, else `fallback` with what the Job says. */
export function jobFailed(
  step: StepName,
  job: ObservedJob,
  pods: ObservedPod[],
  outcome: Finished<"failed">,
  fallback: FailureReason,
  now: Date,
): Decision {
  const termination = failureTermination(pods);
  const reported = parseWorkerMessage(workerFailureSchema, termination?.message);
  if (reported) return failed(reported.reason, reported.message);
  if (!termination && withinGrace(outcome.at, now)) return running(step, `Reading the ${step} result`);
  const { namespace, name } = job.metadata;
  const why = [outcome.condition.reason, outcome.condition.message].filter(Boolean).join(": ");
  const exit = termination
    ? `; its worker exited with code ${termination.exitCode}` +
      (termination.reason ? ` (${termination.reason})` : "") +
      (termination.message ? `: ${termination.message.slice(0, 1024)}` : "")
    : "";
  return failed(
    fallback,
    `Job ${name} failed${why ? ` (${why})` : ""}${exit}; see kubectl logs -n ${namespace} job/${name}`,
  );
}

function withinGrace(finishedAt: string | undefined, now: Date): boolean {
  const at = Date.parse(finishedAt ?? "");
  return !Number.isNaN(at) && now.getTime() - at < resultGraceMs;
}
