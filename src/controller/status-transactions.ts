import type { Artifact } from "../api/common.js";
import { formatBytes } from "../api/quantity.js";
import type { FailureReason, Phase, ProgressReason, SuccessReason } from "../reasons/status-reasons.js";
import type { RootfsBuild, RootfsBuildStatus, StepName } from "../api/rootfsbuild.js";
import { setCondition } from "./conditions.js";
import { kubeTime } from "../runtime/kube-time.js";

// Every status change a build goes through, as a named transaction on the reconcile draft
// (CloudNativePG's status transactions). Nothing else writes build status fields.

type Draft = RootfsBuild & { status: RootfsBuildStatus };

const stepPhase: Record<StepName, ProgressReason> = {
  fetch: "Fetching",
  remaster: "Remastering",
  install: "Installing",
  extract: "Extracting",
  publish: "Publishing",
};

function generationOf(draft: Draft): number {
  return draft.metadata.generation ?? 0;
}

/** Stamped on every pass, success or failure. */
export function observeGeneration(draft: Draft): void {
  draft.status.observedGeneration = generationOf(draft);
}

/** A new generation (or a refreshed ISO) starts from a clean slate. */
export function startRun(draft: Draft, now: Date): void {
  const conditions = draft.status.conditions ?? [];
  draft.status = {
    observedGeneration: generationOf(draft),
    phase: "Pending",
    startTime: kubeTime(now),
    conditions: setCondition(
      conditions,
      { type: "Succeeded", status: "Unknown", reason: "Pending", message: "The build is waiting to start." },
      generationOf(draft),
      now,
    ),
  };
}

/** The inputs resolved for this generation: what every later pass, and every worker, goes by. */
export function recordInputs(
  draft: Draft,
  inputs: { key: string; sourceSHA256: string; sourceURL: string; pinnedChecksum?: string },
): void {
  draft.status.buildKey = inputs.key;
  draft.status.isoSHA256 = inputs.sourceSHA256;
  draft.status.source = {
    url: inputs.sourceURL,
    ...(inputs.pinnedChecksum !== undefined && { checksum: inputs.pinnedChecksum }),
  };
}

export function setPending(draft: Draft, message: string, now: Date): void {
  setRunning(draft, "Pending", message, now);
  delete draft.status.progress;
}

export function setProgress(
  draft: Draft,
  progress: { step: StepName; percent?: number; message?: string },
  steps: RootfsBuildStatus["steps"],
  now: Date,
): void {
  const phase = stepPhase[progress.step];
  setRunning(draft, phase, progress.message ?? `${phase}.`, now);
  draft.status.progress = { ...progress, message: progress.message?.slice(0, 1024) };
  if (steps) draft.status.steps = steps;
}

function setRunning(draft: Draft, phase: Phase & ProgressReason, message: string, now: Date): void {
  draft.status.phase = phase;
  draft.status.conditions = setCondition(
    draft.status.conditions ?? [],
    { type: "Succeeded", status: "Unknown", reason: phase, message },
    generationOf(draft),
    now,
  );
  draft.status.conditions = setCondition(
    draft.status.conditions,
    { type: "Ready", status: "False", reason: phase, message: "The artifacts are not published yet." },
    generationOf(draft),
    now,
  );
}

export function markSucceeded(
  draft: Draft,
  result: { reason: SuccessReason; image: string; artifacts: Artifact[]; steps?: RootfsBuildStatus["steps"] },
  now: Date,
): void {
  const message =
    result.reason === "CatalogHit"
      ? `An identical build is in the catalog as ${result.image}; its artifacts are reused.`
      : `Built and published as ${result.image}.`;
  draft.status.phase = "Succeeded";
  draft.status.image = result.image;
  draft.status.artifacts = result.artifacts;
  draft.status.size = formatBytes(result.artifacts.reduce((sum, a) => sum + a.size, 0));
  if (result.steps) draft.status.steps = result.steps;
  draft.status.completionTime = kubeTime(now);
  delete draft.status.progress;
  const generation = generationOf(draft);
  draft.status.conditions = setCondition(
    draft.status.conditions ?? [],
    { type: "Succeeded", status: "True", reason: result.reason, message },
    generation,
    now,
  );
  draft.status.conditions = setCondition(
    draft.status.conditions,
    {
      type: "Ready",
      status: "True",
      reason: result.reason,
      message: `Artifacts are published (${draft.status.size}).`,
    },
    generation,
    now,
  );
}

export function markFailed(draft: Draft, reason: FailureReason, message: string, now: Date): void {
  draft.status.phase = "Failed";
  draft.status.completionTime = kubeTime(now);
  delete draft.status.progress;
  const generation = generationOf(draft);
  draft.status.conditions = setCondition(
    draft.status.conditions ?? [],
    { type: "Succeeded", status: "False", reason, message: message.slice(0, 32768) },
    generation,
    now,
  );
  draft.status.conditions = setCondition(
    draft.status.conditions,
    { type: "Ready", status: "False", reason, message: "The build failed; see the Succeeded condition." },
    generation,
    now,
  );
}
