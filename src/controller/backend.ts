import type { Artifact } from "../api/common.js";
import type { FailureReason } from "../api/reasons.js";
import type { RootfsBuild, RootfsBuildStatus, StepName } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { Logger } from "../runtime/index.js";
import type { AnswerPlan, RefResolver } from "../pipeline/answer-plan.js";
import type { BuildOutcome } from "./catalog.js";

/** One build of one key: what a backend needs to do the work. */
export interface BuildRun {
  build: RootfsBuild;
  key: string;
  sourceSHA256: string;
  plan?: AnswerPlan;
  refs: RefResolver;
  /** The reconcile pass's logger (controller, namespace, name, reconcileID). */
  log: Logger;
}

export type BackendState =
  | {
      kind: "running";
      step: StepName;
      percent?: number;
      message?: string;
      steps?: RootfsBuildStatus["steps"];
    }
  | ({ kind: "succeeded"; steps?: RootfsBuildStatus["steps"] } & BuildOutcome)
  | { kind: "failed"; reason: FailureReason; message: string };

/**
 * Where the steps run: worker Jobs and a KubeVirt VM in the cluster, or processes on the operator's
 * own machine. The reconciler decides *whether* a build needs work; a backend decides *how*.
 */
export interface BuildBackend {
  /**
   * Observes the build's work and starts or adopts what is missing; idempotent, so calling it after
   * a restart picks up where the last process left off. Reports where the build is.
   */
  advance(run: BuildRun): Promise<BackendState>;
  /** Removes what the build made for itself (temporary PVCs, VMs, Jobs, running tasks), never catalog artifacts. */
  cleanup(build: RootfsBuild, log: Logger): Promise<void>;
  /**
   * Deletes files of a catalog entry that spec.refresh.keep pruned (the entry is already gone) from
   * the storage this backend writes (PVCs); `artifacts` are the ones no other entry lists. A backend
   * without this method leaves them.
   */
  deleteFiles?(image: RootfsImage, artifacts: Artifact[]): Promise<ArtifactCleanup>;
  /** How often to look again while a step runs (children's watches also wake the reconciler). */
  readonly pollIntervalMs: number;
}

/** What was deleted and what stayed, by location, with the reason it stayed. */
export interface ArtifactCleanup {
  deleted: string[];
  left: { location: string; why: string }[];
}
