import type { Artifact } from "../api/common.js";
import type { FailureReason } from "../reasons/status-reasons.js";
import type { RootfsBuild, RootfsBuildStatus, StepName } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { Logger } from "../runtime/index.js";
import type { RefResolver } from "../plan/answer-plan.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import type { BuildOutcome } from "./catalog.js";
import type { ResolvedStorage } from "./builders/storage.js";

/** One build of one key: what a backend needs to do the work, resolved once for the generation. */
export interface BuildRun {
  build: RootfsBuild;
  inputs: BuildInputs;
  storage: ResolvedStorage;
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
      /** Blocked on something the user must fix (a missing PVC): the build-key claim is not renewed. */
      waiting?: boolean;
    }
  | ({
      kind: "succeeded";
      steps?: RootfsBuildStatus["steps"];
      /** The source's sha256 as the fetch step verified it, when the backend still knows it. */
      sourceSHA256?: string;
    } & BuildOutcome)
  | { kind: "failed"; reason: FailureReason; message: string };

/**
 * Where the steps run: worker Jobs and a KubeVirt VM in the cluster, or processes on the operator's
 * own machine. The reconciler decides *whether* a build needs work; a backend decides *how*.
 */
export interface BuildBackend {
  /**
   * Observes the build's work and starts or adopts what is missing; idempotent, so calling it after
   * a restart picks up where the last process left off. Reports where the build is. The artifacts'
   * locations it reports lie in `run.storage`.
   */
  advance(run: BuildRun): Promise<BackendState>;
  /** Removes what the build made for itself (temporary PVCs, VMs, Jobs, running tasks), never catalog artifacts. */
  cleanup(build: RootfsBuild, log: Logger): Promise<void>;
  /**
   * The build's key changed: removes what it made for other keys (shared children it still needs under
   * the new key, such as the same ISO's, stay).
   */
  retireStale(run: BuildRun): Promise<void>;
  /** Where the build's outputs go (spec.storage, else the operator's default); throws when nowhere. */
  storageOf(build: RootfsBuild): ResolvedStorage;
  /** What must be created before the build can publish to `storage` (a missing PVC), or undefined. */
  storageMissing(build: RootfsBuild, storage: ResolvedStorage): Promise<string | undefined>;
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
