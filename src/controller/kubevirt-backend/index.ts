// The kubevirt build backend: worker Jobs and a KubeVirt install VM per build, observed → decided → acted.
export { KubevirtBackend, type KubevirtBackendOptions } from "./kubevirt-backend.js";
export { kubevirtChildInformers, kubevirtChildWatches, owningBuilds, wireKubevirtBackend } from "./wiring.js";
export { decide, fallbackIsoSizeBytes, installTimeoutAnnotation } from "./decide.js";
export { observe, type ChildInformers } from "./observe.js";
export type { Snapshot, OwnedChild } from "./snapshot.js";
export type { Action, Decision } from "./vocabulary.js";
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
export { resultGraceMs } from "./job-results.js";
export { virtualMachineInstanceRef, virtualMachineRef } from "./refs.js";
