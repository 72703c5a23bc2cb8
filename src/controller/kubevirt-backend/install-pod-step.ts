import { coreRefs } from "../../runtime/index.js";
import {
  allChildNames,
  extractJob,
  installDeadlineGraceSeconds,
  type BuildContext,
  type ResolvedStorage,
} from "../builders/index.js";
import {
  type Action,
  create,
  deleteIfPresent,
  failed,
  running,
  waiting,
  type Decision,
} from "./vocabulary.js";
import { jobOutcome, podWaiting, type JobOutcome } from "./job-status.js";
import { jobFailed } from "./job-results.js";
import type { Snapshot, ObservedJob } from "./snapshot.js";

/**
 * The install step of the pod runtime, decided from its install Job (undefined while there is none, so
 * that decide() goes on to what comes before it). The Job's worker runs the same install as `rootfs
 * build` and says how it ended in its termination message: a clean power-off, or InstallFailed (a
 * failure signature, with its console lines) or InstallTimeout (with the last console lines).
 */
export function podInstallStep(
  ctx: BuildContext,
  storage: ResolvedStorage,
  snap: Snapshot,
  waitForStorage: string | false | undefined,
  now: Date,
): Decision | undefined {
  const job = snap.installJob;
  if (!job) return undefined;
  const { name } = job.metadata;
  const names = allChildNames(ctx);
  // Being deleted (a timed-out install, or by someone else): wait for it to go.
  if (job.metadata.deletionTimestamp) return running("install", `Waiting for the install Job ${name} to go`);
  const outcome = jobOutcome(job);
  switch (outcome.phase) {
    // The installer powered off: extract the disk, once there is somewhere to put the outputs.
    case "succeeded":
      if (waitForStorage) return waiting("extract", waitForStorage);
      if (!snap.targetPvc) return failed("ExtractFailed", `The target disk ${names.targetDiskPvc} is gone`);
      return running(
        "extract",
        "Install finished",
        create(coreRefs.job, extractJob(ctx, { storage, targetDiskPvc: snap.targetPvc })),
      );
    case "failed":
      return installJobFailed(ctx, job, snap, outcome, now);
    case "running":
      return installing(ctx, job, snap, outcome.active);
  }
}

/**
 * The worker's reason, else InstallFailed with what the Job says; a Job stopped at its deadline (the
 * worker itself stuck) timed out. A timed-out install goes, Pods and all, and the target disk keeps the
 * verdict, as it does for a VM, so that later passes fail the same way.
 */
function installJobFailed(
  ctx: BuildContext,
  job: ObservedJob,
  snap: Snapshot,
  outcome: JobOutcome & { phase: "failed" },
  now: Date,
): Decision {
  const { timeout } = ctx.build.spec.install;
  const decision =
    outcome.condition.reason === "DeadlineExceeded"
      ? failed(
          "InstallTimeout",
          `The install Job ${job.metadata.name} ran past its deadline (spec.install.timeout ${timeout} plus ` +
            `${installDeadlineGraceSeconds} s) without its worker reporting, and was stopped; ` +
            `see kubectl logs -n ${job.metadata.namespace} job/${job.metadata.name}`,
        )
      : jobFailed("install", job, snap.installPods, outcome, "InstallFailed", now);
  if (decision.state.kind !== "failed" || decision.state.reason !== "InstallTimeout") return decision;
  const { message } = decision.state;
  const mark: Action[] = snap.targetPvc
    ? [{ kind: "markInstallTimedOut", targetPvc: snap.targetPvc, message }]
    : [];
  return failed("InstallTimeout", message, ...mark, ...deleteIfPresent(coreRefs.job, job));
}

/** The installer runs: which accelerator, the latest progress line, or why the Pod does not start. */
function installing(ctx: BuildContext, job: ObservedJob, snap: Snapshot, active: boolean): Decision {
  const log = snap.installLog;
  const stuck = snap.installPods.map(podWaiting).find((why) => why !== undefined);
  const how = log?.accel ? ` with ${log.accel}` : "";
  // The Pod ends a few seconds before its Job controller marks the Job Complete: say so meanwhile.
  const ended = snap.installPods.some((pod) => pod.status?.phase === "Succeeded");
  const said = log?.text
    ? `: ${log.text}`
    : ended
      ? ": the installer powered off, waiting for the Job to complete"
      : stuck
        ? ` (${stuck})`
        : active
          ? ""
          : " (starting)";
  return {
    state: {
      kind: "running",
      step: "install",
      ...(log?.percent !== undefined && { percent: log.percent }),
      message: `Installing in a Pod of Job ${job.metadata.name}${how}${said}; times out after ${ctx.build.spec.install.timeout}`,
    },
    actions: [],
  };
}
