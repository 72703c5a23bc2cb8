import { parseDuration } from "../../api/quantity.js";
import { coreRefs } from "../../runtime/index.js";
import {
  allChildNames,
  answerSecret,
  extractJob,
  installVm,
  isoPvc,
  prepareJob,
  resolveStorage,
  targetDiskPvc,
  type BuildContext,
} from "../manifests/index.js";
import type { Action } from "./actions.js";
import {
  create,
  deleteIfPresent,
  failed,
  joinOwners,
  ownedBy,
  retire,
  running,
  type Decision,
} from "./decision.js";
import { installFailedMessage, installTimedOut, installTimeoutMessage } from "./install-outcome.js";
import { jobOutcome } from "./job-outcome.js";
import { extracted, jobFailed } from "./outcomes.js";
import { virtualMachineRef } from "./refs.js";
import type { Snapshot } from "./snapshot.js";
import { stepTimes } from "./step-times.js";

export type { Decision } from "./decision.js";

/** Set on the target PVC when the install timed out (the VM is deleted); its value is the failure message. */
export const installTimeoutAnnotation = "rootfs.dev/install-timeout";
/** Used for the ISO PVC when the ISO's URL does not tell its size (no Content-Length on HEAD). */
export const fallbackIsoSizeBytes = 16 * 2 ** 30;

/**
 * The next step of one build, from its children alone: pure, with `now` the only clock. The checks run
 * from the end of the pipeline backwards, so an outcome, once reached, is what every later pass decides
 * again (after a restart, or when a status write lost a race and the pass reruns).
 */
export function decide(ctx: BuildContext, snap: Snapshot, now: Date): Decision {
  const decision = nextStep(ctx, snap, now);
  const { state } = decision;
  return {
    state: state.kind === "running" ? { ...state, steps: stepTimes(snap, {}) } : state,
    // Children of an earlier build key (the spec changed) go whatever else happens.
    actions: [...decision.actions, ...retire(ctx.build.metadata.uid ?? "", snap.stale)],
  };
}

function nextStep(ctx: BuildContext, snap: Snapshot, now: Date): Decision {
  const names = allChildNames(ctx);
  const uid = ctx.build.metadata.uid ?? "";
  const { timeout } = ctx.build.spec.install;
  const { vm, vmi, prepareJob: prepare, extractJob: extract } = snap;
  const prepared = prepare && jobOutcome(prepare);
  const extraction = extract && jobOutcome(extract);
  const vmiPhase = vmi?.status?.phase;
  const timedOut = snap.targetPvc?.metadata.annotations?.[installTimeoutAnnotation];
  let storage;
  try {
    storage = resolveStorage(ctx.build, ctx.config);
  } catch (err) {
    // Nowhere to publish: the spec (or the operator's defaultStorage) must say where.
    return failed("InvalidSpec", err instanceof Error ? err.message : String(err));
  }

  // The extract Job succeeded: its result is the build's outcome, and the temporary children go.
  if (extraction?.phase === "succeeded") return extracted(ctx, snap, storage, extraction, now);
  // The extract Job failed: the worker's reason, else ExtractFailed.
  if (extract && extraction?.phase === "failed")
    return jobFailed("extract", extract, snap.extractPods, extraction, "ExtractFailed", now);
  // The install timed out on an earlier pass: the build stays failed, and its VM goes.
  if (timedOut !== undefined)
    return failed("InstallTimeout", timedOut, ...deleteIfPresent(virtualMachineRef, vm));
  // No answer Secret: the worker Jobs read build.json from it, the VM its answer volume.
  if (!snap.answerSecret)
    return running("fetch", "Created the answer Secret", create(coreRefs.secret, answerSecret(ctx)));
  // The extract Job runs.
  if (extract) return running("extract", `Extracting the installed disk (Job ${names.extractJob})`);
  // The install VM is being deleted by someone else: wait for it to go, then make a new one.
  if (vm?.metadata.deletionTimestamp) return running("install", `Waiting for VM ${names.installVm} to go`);
  // The installer powered the VM off: extract the installed disk.
  if (vm && vmiPhase === "Succeeded")
    return running("extract", "Install finished", create(coreRefs.job, extractJob(ctx, { storage })));
  // The VM failed: InstallFailed, with the console lines that say why.
  if (vm && vmi && vmiPhase === "Failed")
    return failed("InstallFailed", installFailedMessage(ctx.plan.profile, vmi, snap.consoleTail));
  // The install ran past spec.install.timeout: record that on the target PVC, then delete the VM.
  if (vm && installTimedOut(vm, parseDuration(timeout), now)) {
    const message = installTimeoutMessage(timeout, vmi, snap.consoleTail);
    const mark: Action[] = snap.targetPvc
      ? [{ kind: "markInstallTimedOut", targetPvc: snap.targetPvc, message }]
      : [];
    return failed("InstallTimeout", message, ...mark, ...deleteIfPresent(virtualMachineRef, vm));
  }
  // The installer runs.
  if (vm)
    return running(
      "install",
      `Installing in VM ${vm.metadata.name} (${vmiPhase ?? "starting"}); times out after ${timeout}`,
    );
  // The ISO PVC is being deleted (its last owner let it go): wait, then make a new one.
  if (snap.isoPvc?.metadata.deletionTimestamp)
    return running("fetch", `Waiting for the old ISO PVC ${names.isoPvc} to go`);
  // No ISO PVC: create it, with this build as one of its owners.
  if (!snap.isoPvc)
    return running(
      "fetch",
      "Created the ISO PVC",
      create(coreRefs.pvc, isoPvc(ctx, snap.isoSizeBytes ?? fallbackIsoSizeBytes)),
    );
  // The shared ISO PVC does not name this build: join its owners, so no other build's cleanup deletes it.
  if (!ownedBy(snap.isoPvc, uid))
    return running("fetch", "Sharing the ISO PVC", joinOwners(coreRefs.pvc, snap.isoPvc));
  // The prepare Job is being deleted: wait, then make a new one.
  if (prepare?.metadata.deletionTimestamp)
    return running("fetch", `Waiting for the old prepare Job ${names.prepareJob} to go`);
  // No prepare Job: create it.
  if (!prepare || !prepared)
    return running("fetch", "Created the prepare Job", create(coreRefs.job, prepareJob(ctx)));
  // The shared prepare Job does not name this build: join its owners, like the ISO PVC's.
  if (!ownedBy(prepare, uid))
    return running("fetch", "Sharing the prepare Job", joinOwners(coreRefs.job, prepare));
  // The prepare Job failed before this run started: an earlier build's failure, so retry it.
  if (prepared.phase === "failed" && isBefore(prepared.at, ctx.build.status?.startTime))
    return running(
      "fetch",
      "Retrying the ISO preparation that failed for an earlier build",
      ...deleteIfPresent(coreRefs.job, prepare),
    );
  // The prepare Job failed: the worker's reason, else DownloadFailed.
  if (prepared.phase === "failed")
    return jobFailed("fetch", prepare, snap.preparePods, prepared, "DownloadFailed", now);
  // The prepare Job runs: Fetching (the worker remasters right after, in the same Pod).
  if (prepared.phase === "running")
    return running(
      "fetch",
      `Fetching and remastering the ISO (Job ${names.prepareJob}${prepared.active ? "" : ", starting"})`,
    );
  // The unattended ISO is ready: create the target disk and the install VM.
  const disk = snap.targetPvc ? [] : [create(coreRefs.pvc, targetDiskPvc(ctx))];
  return running("install", "Created the install VM", ...disk, create(virtualMachineRef, installVm(ctx)));
}

function isBefore(time: string | undefined, other: string | undefined): boolean {
  const [a, b] = [Date.parse(time ?? ""), Date.parse(other ?? "")];
  return !Number.isNaN(a) && !Number.isNaN(b) && a < b;
}
