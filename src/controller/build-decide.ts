import type { FailureReason } from "../reasons/status-reasons.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import type { InputsOutcome } from "./inputs-cache.js";
import type { CatalogScope } from "./catalog.js";
import type { ClaimView } from "./claim.js";
import type { ResolvedStorage } from "./builders/storage.js";

/** Everything decideBuild() looks at, gathered by observeBuild(). */
export interface BuildObservation {
  /** The generation has not been started yet (a new spec, or a build never looked at). */
  newGeneration: boolean;
  /** Succeeded or Failed, and not a new generation. */
  finished: boolean;
  /** The build key recorded before this pass (on a new generation: the previous generation's). */
  recordedKey?: string;
  /** For a finished build with spec.refresh: how long until it looks again (0: it looked in this pass). */
  refreshDueInMs?: number;
  refreshIntervalMs?: number;
  inputs: InputsOutcome;
  /** Where the outputs go, or why the spec and the operator's defaults name nowhere. */
  storage?:
    { kind: "resolved"; value: ResolvedStorage; scope: CatalogScope } | { kind: "invalid"; message: string };
  /** A catalog entry of the inputs' key that this build may succeed from. */
  image?: RootfsImage;
  /** Set when the entry name this build would publish under belongs to another build or key. */
  nameTakenBy?: string;
  /** Looked up only while the build holds no claim: what to create before the work can start. */
  storageMissing?: string;
  claim?: ClaimView;
  /** This build's namespace: a claim holder is named only when it is in the same one. */
  namespace: string;
}

export type BuildDecision =
  /** Nothing to do (a finished build); look again after `requeueAfterMs` if set. */
  | { kind: "idle"; requeueAfterMs?: number }
  /** A refresh looked again and found the same key (or could not resolve): look again later. */
  | { kind: "refreshed"; requeueAfterMs: number; note?: string }
  | { kind: "fail"; reason: FailureReason; message: string; inputs?: BuildInputs }
  /** The checksum file is unreachable for now: retried with backoff. */
  | { kind: "retryInputs"; message: string }
  /** The key changed under a recorded one: retire that key's claim and children, then start over. */
  | { kind: "rekey"; fromKey: string; inputs: BuildInputs }
  | { kind: "succeedFromCatalog"; image: RootfsImage; inputs: BuildInputs }
  | { kind: "waitForStorage"; message: string; inputs: BuildInputs }
  | { kind: "waitForClaim"; message: string; lapsesInMs: number; inputs: BuildInputs }
  /** Take the claim (or renew it once the backend says the work runs), then advance the backend. */
  | {
      kind: "work";
      claim: "take" | "renew" | "keep";
      inputs: BuildInputs;
      storage: ResolvedStorage;
      scope: CatalogScope;
    };

/**
 * The next step of a build, from what observeBuild() gathered: pure. The checks run in order; the first
 * that applies decides.
 */
export function decideBuild(obs: BuildObservation): BuildDecision {
  const { inputs } = obs;
  const interval = obs.refreshIntervalMs ?? 3_600_000;
  // A finished build with no refresh due stays as it is.
  if (inputs.kind === "none") return { kind: "idle", requeueAfterMs: obs.refreshDueInMs };
  // A refresh could not resolve (a broken checksum file): the published build stands; look again later.
  if (obs.finished && inputs.kind !== "resolved")
    return { kind: "refreshed", requeueAfterMs: interval, note: inputs.message };
  // The spec, or what it references, can't be built: retrying won't help.
  if (inputs.kind === "failed") return { kind: "fail", reason: inputs.reason, message: inputs.message };
  // The checksum file is unreachable: retry with backoff.
  if (inputs.kind === "unavailable") return { kind: "retryInputs", message: inputs.message };
  const resolved = inputs.inputs;
  // A refresh found the ISO unchanged: look again after the interval.
  if (obs.finished && resolved.key === obs.recordedKey)
    return { kind: "refreshed", requeueAfterMs: interval };
  // The key changed under the recorded one (new spec, new ISO, changed references): retire the old key first.
  if (obs.recordedKey && resolved.key !== obs.recordedKey)
    return { kind: "rekey", fromKey: obs.recordedKey, inputs: resolved };
  // The catalog has this key where this build may use it.
  if (obs.image) return { kind: "succeedFromCatalog", image: obs.image, inputs: resolved };
  // Neither the spec nor the operator's defaults say where the outputs go.
  if (obs.storage?.kind !== "resolved")
    return {
      kind: "fail",
      reason: "InvalidSpec",
      message: obs.storage?.message ?? "no storage",
      inputs: resolved,
    };
  // The entry name (spec.catalogName) is another build's: fail before doing the work.
  if (obs.nameTakenBy)
    return { kind: "fail", reason: "CatalogNameTaken", message: obs.nameTakenBy, inputs: resolved };
  // Nowhere to publish yet: wait, without claiming the key (a claim would make identical builds wait too).
  if (obs.storageMissing) return { kind: "waitForStorage", message: obs.storageMissing, inputs: resolved };
  // Another live build holds the key's claim and renews it: wait for its catalog entry.
  if (obs.claim?.state === "held")
    return {
      kind: "waitForClaim",
      message: waitingForHolder(obs.claim.holder, obs.namespace),
      lapsesInMs: obs.claim.lapsesInMs,
      inputs: resolved,
    };
  // Do the work: take the claim first unless this build holds it.
  const claim = obs.claim?.state === "ours" ? (obs.claim.renewDue ? "renew" : "keep") : "take";
  return { kind: "work", claim, inputs: resolved, storage: obs.storage.value, scope: obs.storage.scope };
}

/** Names the holder (namespace/name/uid) only when it is in `namespace`: other tenants' stay private. */
export function waitingForHolder(holder: string, namespace: string): string {
  const [holderNamespace, name] = holder.split("/");
  return holderNamespace === namespace
    ? `Waiting for ${holderNamespace}/${name}, which builds the same build key`
    : "Waiting for another build of the same build key, which publishes it to the shared catalog";
}
