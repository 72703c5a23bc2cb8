import { parseDuration, parseQuantity } from "../../api/quantity.js";
import { assertNever } from "../../lib/assert-never.js";
import { coreRefs, type KubeObject } from "../../runtime/index.js";
import {
  allChildNames,
  answerSecret,
  extractJob,
  installJob,
  installVm,
  fetchContainer,
  isoPvc,
  namespaceOf,
  prepareJob,
  prepareSecret,
  workerContainer,
  targetDiskPvc,
  type BuildContext,
  type ResolvedStorage,
  waitingForStoragePvc,
} from "../builders/index.js";
import { sourcePolicyOf } from "../config.js";
import {
  type Action,
  create,
  deleteIfPresent,
  failed,
  joinOwners,
  ownedBy,
  retire,
  running,
  waiting,
  type Decision,
} from "./vocabulary.js";
import { installFailedMessage, installTimedOut, installTimeoutMessage } from "./vm-install-status.js";
import { podInstallStep } from "./install-pod-step.js";
import { containerStarted, jobOutcome } from "./job-status.js";
import { extracted, jobFailed, sourceUnverified } from "./job-results.js";
import { virtualMachineRef } from "./refs.js";
import type { Snapshot } from "./snapshot.js";
import { stepTimes } from "./step-times.js";

/** Set on the target PVC when the install timed out (the VM is deleted); its value is the failure message. */
export const installTimeoutAnnotation = "rootfs.dev/install-timeout";
/** Used for the ISO PVC when the ISO's URL does not tell its size (no Content-Length on HEAD). */
export const fallbackIsoSizeBytes = 16 * 2 ** 30;

/**
 * The next step of one build, from its children alone: pure, with `now` the only clock. The checks run
 * from the end of the pipeline backwards, so an outcome, once reached, is what every later pass decides
 * again (after a restart, or when a status write lost a race and the pass reruns).
 */
export function decide(ctx: BuildContext, storage: ResolvedStorage, snap: Snapshot, now: Date): Decision {
  const decision = nextStep(ctx, storage, snap, now);
  const { state } = decision;
  return {
    state: state.kind === "running" ? { ...state, steps: stepTimes(snap, {}) } : state,
    // Children of an earlier build key (the spec changed) go whatever else happens.
    actions: [...decision.actions, ...retire(ctx.build.metadata.uid ?? "", snap.stale)],
  };
}

function nextStep(ctx: BuildContext, storage: ResolvedStorage, snap: Snapshot, now: Date): Decision {
  const names = allChildNames(ctx);
  const uid = ctx.build.metadata.uid ?? "";
  const { timeout } = ctx.build.spec.install;
  const { vm, vmi, prepareJob: prepare, extractJob: extract } = snap;
  const prepared = prepare && jobOutcome(prepare);
  const extraction = extract && jobOutcome(extract);
  const vmiPhase = vmi?.status?.phase;
  const timedOut = snap.targetPvc?.metadata.annotations?.[installTimeoutAnnotation];
  // The storage PVC is missing: wait for it rather than install a disk there is nowhere to publish.
  const waitForStorage =
    snap.storagePvcFound === false &&
    storage.pvc &&
    waitingForStoragePvc(namespaceOf(ctx), storage.pvc.claimName);
  const maxIsoBytes = sourcePolicyOf(ctx.config).maxSourceBytes;

  // Something not this build's sits at one of its children's names: nothing can be created there.
  if (snap.squatted.length > 0) return waiting("fetch", squattedMessage(snap.squatted));

  // The extract Job succeeded: its result is the build's outcome, and the temporary children go.
  if (extraction?.phase === "succeeded") return extracted(ctx, snap, storage, extraction, now);
  // The extract Job failed: the worker's reason, else ExtractFailed.
  if (extract && extraction?.phase === "failed")
    return jobFailed("extract", extract, snap.extractPods, extraction, "ExtractFailed", now);
  // The install timed out on an earlier pass: the build stays failed, and its VM or install Job goes.
  if (timedOut !== undefined)
    return failed(
      "InstallTimeout",
      timedOut,
      ...deleteIfPresent(virtualMachineRef, vm),
      ...deleteIfPresent(coreRefs.job, snap.installJob),
    );
  // The extract Job runs.
  if (extract) return running("extract", `Extracting the installed disk (Job ${names.extractJob})`);
  // The pod runtime's install Job ran or runs: its worker's outcome, or how it goes.
  const byPod = ctx.installRuntime === "pod" && podInstallStep(ctx, storage, snap, waitForStorage, now);
  if (byPod) return byPod;
  // The install VM is being deleted by someone else: wait for it to go, then make a new one.
  if (vm?.metadata.deletionTimestamp) return running("install", `Waiting for VM ${names.installVm} to go`);
  // The installer powered the VM off: extract the installed disk, once there is somewhere to put it.
  if (vm && vmiPhase === "Succeeded") {
    if (waitForStorage) return waiting("extract", waitForStorage);
    if (!snap.targetPvc) return failed("ExtractFailed", `The target disk ${names.targetDiskPvc} is gone`);
    const job = extractJob(ctx, { storage, targetDiskPvc: snap.targetPvc });
    return running("extract", "Install finished", create(coreRefs.job, job));
  }
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
  // Nothing started yet needs the storage PVC's absence to be fixed first.
  if (waitForStorage && !snap.isoPvc) return waiting("fetch", waitForStorage);
  // The ISO PVC is being deleted (its last owner let it go): wait, then make a new one.
  if (snap.isoPvc?.metadata.deletionTimestamp)
    return running("fetch", `Waiting for the old ISO PVC ${names.isoPvc} to go`);
  // The ISO's server says it is larger than the operator accepts: refuse before anything is made.
  if (!snap.isoPvc && snap.isoSizeBytes !== undefined && snap.isoSizeBytes > maxIsoBytes)
    return failed("SourceTooLarge", isoTooLargeMessage(ctx.sourceURL, snap.isoSizeBytes, maxIsoBytes));
  // No ISO PVC: create it, with this build as one of its owners.
  if (!snap.isoPvc)
    return running(
      "fetch",
      "Created the ISO PVC",
      create(coreRefs.pvc, isoPvc(ctx, Math.min(snap.isoSizeBytes ?? fallbackIsoSizeBytes, maxIsoBytes))),
    );
  // The shared ISO PVC does not name this build: join its owners, so no other build's cleanup deletes it.
  if (!ownedBy(snap.isoPvc, uid))
    return running("fetch", "Sharing the ISO PVC", joinOwners(coreRefs.pvc, snap.isoPvc));
  // The prepare Job is being deleted: wait, then make a new one.
  if (prepare?.metadata.deletionTimestamp)
    return running("fetch", `Waiting for the old prepare Job ${names.prepareJob} to go`);
  // No prepare Job: create it, after the Secret it reads (owned by the ISO PVC, so it goes with it).
  if (!prepare || !prepared)
    return running(
      "fetch",
      "Created the prepare Job",
      create(coreRefs.secret, prepareSecret(ctx, snap.isoPvc)),
      create(coreRefs.job, prepareJob(ctx, { ...snap.isoPvc, isoBytes: requestedBytes(snap.isoPvc) })),
    );
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
  // The prepare Job runs: Fetching until its Pod's fetch container is done, then Remastering.
  if (prepared.phase === "running")
    return snap.preparePods.some((pod) => containerStarted(pod, workerContainer))
      ? running("remaster", `Remastering the ISO (Job ${names.prepareJob})`)
      : running(
          "fetch",
          `Fetching the ISO (Job ${names.prepareJob}${prepared.active ? "" : ", starting"}); ` +
            `kubectl logs -n ${namespaceOf(ctx)} job/${names.prepareJob} -c ${fetchContainer} shows the bytes`,
        );
  // The prepare Job succeeded: the source it downloaded must be the one the build pinned.
  const unverified = sourceUnverified(ctx, snap, prepared, now);
  if (unverified) return unverified;
  // The unattended ISO is ready, but the outputs have nowhere to go yet.
  if (waitForStorage) return waiting("install", waitForStorage);
  // The unattended ISO is ready: create the target disk first, since the answer Secret depends on it.
  if (!snap.targetPvc)
    return running("install", "Created the target disk", create(coreRefs.pvc, targetDiskPvc(ctx)));
  // Then the VM or install Job, after the answer Secret it mounts (owned by the disk, so it goes with the disk).
  const [what, installer] = installerFor(ctx, snap.targetPvc);
  return running(
    "install",
    `Created the install ${what}`,
    create(coreRefs.secret, answerSecret(ctx, snap.targetPvc)),
    installer,
  );
}

/** What runs the installer: a KubeVirt VM, or a Job whose Pod runs qemu. */
function installerFor(ctx: BuildContext, targetDiskPvc: KubeObject): [string, Action] {
  switch (ctx.installRuntime) {
    case "kubevirt":
      return ["VM", create(virtualMachineRef, installVm(ctx, targetDiskPvc))];
    case "pod":
      return ["Job", create(coreRefs.job, installJob(ctx, { targetDiskPvc }))];
    default:
      return assertNever(ctx.installRuntime);
  }
}

function squattedMessage(squatted: string[]): string {
  return (
    `${squatted.join(", ")} has the name of one of this build's children but is not this build's; ` +
    "delete it (or rename the build) so the build can create its own"
  );
}

function isoTooLargeMessage(url: string, size: number, max: number): string {
  return (
    `${url} is ${size} bytes, larger than the ${max} bytes this operator accepts; ` +
    "check spec.source, or ask the platform admin to raise sources.maxISOSize"
  );
}

function isBefore(time: string | undefined, other: string | undefined): boolean {
  const [a, b] = [Date.parse(time ?? ""), Date.parse(other ?? "")];
  return !Number.isNaN(a) && !Number.isNaN(b) && a < b;
}

/** What a PVC asked for, in bytes. */
function requestedBytes(pvc: KubeObject): number {
  const spec = pvc.spec as { resources?: { requests?: { storage?: string } } } | undefined;
  return parseQuantity(spec?.resources?.requests?.storage ?? "0");
}
