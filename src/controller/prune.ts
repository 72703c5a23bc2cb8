import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { RefResolver } from "../plan/answer-plan.js";
import type { EventReason } from "../reasons/event-reasons.js";
import type { EventRecorder } from "../runtime/events.js";
import { isConflict, type Informer, type KubeClient, type Logger } from "../runtime/index.js";
import { errorText } from "../lib/files.js";
import type { BuildBackend } from "./backend.js";
import { deleteArtifacts } from "./delete-artifacts.js";
import { rootfsBuildRef, rootfsImageRef } from "./rootfs-refs.js";
import { decideRetention, type Pruned } from "./retention.js";

export interface PruneDeps {
  client: KubeClient;
  backend: BuildBackend;
  builds: Informer<RootfsBuild>;
  images: Informer<RootfsImage>;
  events: EventRecorder<EventReason>;
  refsFor: (namespace: string) => RefResolver;
  /** The operator's watchNamespaces: empty for cluster-wide. */
  watchNamespaces: string[];
}

/**
 * spec.refresh.keep: deletes a build's catalog entries past the retention count, each entry before its
 * artifacts, so the catalog never points at deleted files. A failure is reported and retried on the
 * next pass; it never holds up the refresh.
 */
export async function pruneCatalog(build: RootfsBuild, deps: PruneDeps, log: Logger): Promise<void> {
  if (decideRetention(build, deps.images.list(), deps.builds.list()).prune.length === 0) return;
  try {
    // The cache may not yet show a build that just took one of these entries: decide on a fresh list.
    const builds = await listBuilds(deps);
    for (const pruned of decideRetention(build, deps.images.list(), builds).prune) {
      await pruneOne(build, pruned, deps, log);
    }
  } catch (err) {
    log.warn({ err }, "Could not prune catalog entries");
    void deps.events.record(
      build,
      "Warning",
      "PruneFailed",
      `Pruning catalog entries failed: ${errorText(err)}`,
    );
  }
}

/** Every build the operator may see: cluster-wide, or in each of its watchNamespaces. */
async function listBuilds(deps: PruneDeps): Promise<RootfsBuild[]> {
  if (deps.watchNamespaces.length === 0) return (await deps.client.list<RootfsBuild>(rootfsBuildRef)).items;
  const lists = await Promise.all(
    deps.watchNamespaces.map((namespace) => deps.client.list<RootfsBuild>(rootfsBuildRef, { namespace })),
  );
  return lists.flatMap((l) => l.items);
}

async function pruneOne(build: RootfsBuild, { image, artifacts }: Pruned, deps: PruneDeps, log: Logger) {
  const name = image.metadata.name;
  try {
    await deps.client.delete(rootfsImageRef, name, undefined, { preconditions: { uid: image.metadata.uid } });
  } catch (err) {
    // Someone replaced the entry since the cache saw it: it is not the one decided on.
    if (isConflict(err)) return;
    throw err;
  }
  const refs = deps.refsFor(build.metadata.namespace ?? "");
  const cleanup = await deleteArtifacts(deps.backend, { build, image, artifacts, refs });
  const keep = build.spec.refresh?.keep ?? 0;
  log.info({ image: name, deleted: cleanup.deleted, left: cleanup.left }, "Pruned catalog entry");
  const left = cleanup.left.map((l) => `${l.location} (${l.why})`).join(", ");
  void deps.events.record(
    build,
    cleanup.left.length === 0 ? "Normal" : "Warning",
    "Pruned",
    `Deleted catalog entry ${name}, older than the ${keep} kept by spec.refresh.keep; ` +
      `deleted ${cleanup.deleted.length} artifacts${left ? `, left ${left}` : ""}`,
  );
}
