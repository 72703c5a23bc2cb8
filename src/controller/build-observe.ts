import { parseDuration } from "../api/quantity.js";
import type { RootfsBuild, RootfsBuildStatus } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { Informer } from "../runtime/index.js";
import { errorText } from "../lib/files.js";
import type { BuildBackend } from "./backend.js";
import type { BuildObservation } from "./build-decide.js";
import type { BuildInputsCache } from "./inputs-cache.js";
import { existingEntryVerdict, findUsableImage, imageName, publishScope } from "./catalog.js";
import { holderOf, type KeyClaims } from "./claim.js";
import type { OperatorConfig } from "./config.js";

type Draft = RootfsBuild & { status: RootfsBuildStatus };

export interface ObserveBuildDeps {
  inputs: BuildInputsCache;
  images: Informer<RootfsImage>;
  builds: Informer<RootfsBuild>;
  claims: KeyClaims;
  backend: BuildBackend;
  config: OperatorConfig;
}

/**
 * Gathers what decideBuild() needs, from the caches where it can. Only two things leave the process:
 * the inputs, resolved when the generation starts or a refresh is due (a checksum file read, references
 * read) or rendered again after a restart; and, while the build holds no claim, whether its storage exists.
 */
export async function observeBuild(
  draft: Draft,
  deps: ObserveBuildDeps,
  now: Date,
): Promise<BuildObservation> {
  const { status, metadata } = draft;
  const namespace = metadata.namespace ?? "";
  const newGeneration = status.observedGeneration !== metadata.generation || !status.startTime;
  const finished = !newGeneration && (status.phase === "Succeeded" || status.phase === "Failed");
  const refresh = draft.spec.refresh;
  const refreshIntervalMs = refresh ? parseDuration(refresh.interval) : undefined;
  const obs: BuildObservation = {
    namespace,
    newGeneration,
    finished,
    recordedKey: status.buildKey,
    refreshIntervalMs,
    inputs: { kind: "none" },
  };
  if (finished) {
    // A finished build only looks again to follow a daily-build ISO (spec.refresh).
    obs.refreshDueInMs =
      refreshIntervalMs === undefined ? undefined : refreshDueIn(status, refreshIntervalMs, now);
    if (obs.refreshDueInMs === undefined || obs.refreshDueInMs > 0) return obs;
  }
  const mode = finished || newGeneration || !status.buildKey ? "fetch" : "recorded";
  obs.inputs = await deps.inputs.gather(draft, mode);
  if (obs.inputs.kind !== "resolved") return obs;
  const { key } = obs.inputs.inputs;

  obs.image = findUsableImage(deps.images.list(), key, namespace, deps.config);
  let storage;
  try {
    storage = deps.backend.storageOf(draft);
  } catch (err) {
    obs.storage = { kind: "invalid", message: errorText(err) };
    return obs;
  }
  const scope = publishScope(namespace, storage, deps.config);
  obs.storage = { kind: "resolved", value: storage, scope };
  const holder = holderOf(draft);
  obs.claim = deps.claims.view({ key, scope }, holder, (h) => holderAlive(deps.builds, h));
  if (obs.image) return obs;

  const existing = deps.images.get(imageName(draft, key, scope));
  if (existing && existingEntryVerdict(existing, draft, key, deps.config) === "taken")
    obs.nameTakenBy = nameTakenMessage(existing.metadata.name);
  if (obs.claim.state !== "ours") obs.storageMissing = await deps.backend.storageMissing(draft, storage);
  return obs;
}

export function nameTakenMessage(name: string): string {
  return (
    `The catalog entry ${name} already exists for another build key or another namespace's build; ` +
    "choose another spec.catalogName (or remove it to get a generated name)"
  );
}

/** A holder counts while its build exists (same uid), is not being deleted, and has not finished. */
export function holderAlive(builds: Informer<RootfsBuild>, holder: string): boolean {
  const [namespace, name, uid] = holder.split("/");
  const build = builds.get(`${namespace}/${name}`);
  const phase = build?.status?.phase;
  return (
    build !== undefined &&
    build.metadata.uid === uid &&
    !build.metadata.deletionTimestamp &&
    phase !== "Succeeded" &&
    phase !== "Failed"
  );
}

/** Milliseconds until the next refresh check, from the last check (or the build's completion). */
function refreshDueIn(status: RootfsBuildStatus, intervalMs: number, now: Date): number {
  const last = Date.parse(status.lastRefreshTime ?? status.completionTime ?? status.startTime ?? "");
  return Number.isNaN(last) ? 0 : Math.max(0, last + intervalMs - now.getTime());
}
