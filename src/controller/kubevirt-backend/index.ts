// The kubevirt build backend: worker Jobs and a KubeVirt install VM per build, observed → decided → acted.
export { KubevirtBackend, type KubevirtBackendOptions } from "./kubevirt-backend.js";
export { kubevirtChildInformers, kubevirtChildWatches, owningBuilds, wireKubevirtBackend } from "./wiring.js";
export { decide, fallbackIsoSizeBytes, installTimeoutAnnotation, type Decision } from "./decide.js";
export { observe, type ChildInformers } from "./observe.js";
export type { Snapshot, OwnedChild } from "./snapshot.js";
export type { Action } from "./actions.js";
export { isoKeyFor } from "./iso-key.js";
export { httpIsoSize, type IsoSizeProbe } from "./iso-size.js";
export { podLogConsoleTail, type ConsoleTailReader } from "./console-tail.js";
export {
  parseInstallLog,
  podLogInstallProgress,
  type InstallLog,
  type InstallLogReader,
} from "./install-log.js";
export { resolveInstallRuntime } from "./install-runtime.js";
export { resultGraceMs } from "./outcomes.js";
export { virtualMachineInstanceRef, virtualMachineRef } from "./refs.js";
export {
  extractResultSchema,
  parseWorkerMessage,
  prepareResultSchema,
  terminationMessageLimit,
  workerFailureSchema,
  workerStepsSchema,
  type ExtractResult,
  type PrepareResult,
  type WorkerFailure,
} from "./worker-results.js";
