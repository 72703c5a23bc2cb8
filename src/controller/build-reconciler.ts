import type { RootfsBuild, RootfsBuildStatus } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import { parseDuration } from "../api/quantity.js";
import type { RefResolver } from "../pipeline/answer-plan.js";
import { resolveInputs, type BuildInputs } from "../pipeline/resolve-inputs.js";
import { StepFailure } from "../steps/failure.js";
import { errorText } from "../steps/files.js";
import type { EventRecorder } from "../runtime/events.js";
import {
  ensureFinalizer,
  isAlreadyExists,
  isConflict,
  reconcileStatus,
  removeFinalizer,
  requeueAfter,
  type Informer,
  type KubeClient,
  type ReconcileContext,
  type Reconciler,
  type Result,
} from "../runtime/index.js";
import type { BuildBackend } from "./backend.js";
import { imageFor } from "./catalog.js";
import { holderOf, type KeyClaims } from "./claim.js";
import { deleteArtifacts } from "./delete-artifacts.js";
import { decideRetention, type Pruned } from "./retention.js";
import type { OperatorMetrics } from "./metrics.js";
import { cleanupFinalizer, rootfsBuildRef, rootfsImageRef } from "./resources.js";
import {
  markFailed,
  markSucceeded,
  observeGeneration,
  recordInputs,
  setPending,
  setProgress,
  startRun,
} from "./status-transactions.js";

type Draft = RootfsBuild & { status: RootfsBuildStatus };

export interface BuildReconcilerDeps {
  client: KubeClient;
  backend: BuildBackend;
  claims: KeyClaims;
  builds: Informer<RootfsBuild>;
  images: Informer<RootfsImage>;
  metrics: OperatorMetrics;
  events: EventRecorder;
  refsFor: (namespace: string) => RefResolver;
  now?: () => Date;
}

const waitForPeerMs = 15_000;

/**
 * Level-triggered: every pass reads the build, what the catalog holds for its key and what its
 * backend has done, and moves the status one step; the status is written once, by the harness.
 */
export class BuildReconciler implements Reconciler {
  private readonly now: () => Date;

  constructor(private readonly deps: BuildReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  reconcile(key: string, ctx: ReconcileContext): Promise<Result> {
    return reconcileStatus<Draft>(this.deps.client, rootfsBuildRef, key, (draft) => this.pass(draft, ctx));
  }

  private async pass(draft: Draft, ctx: ReconcileContext): Promise<Result> {
    draft.status ??= {};
    if (draft.metadata.deletionTimestamp) return this.finalize(draft, ctx);
    await ensureFinalizer(this.deps.client, rootfsBuildRef, draft, cleanupFinalizer);
    const now = this.now();
    const newGeneration =
      draft.status.observedGeneration !== draft.metadata.generation || !draft.status.startTime;
    if (newGeneration) startRun(draft, now);
    observeGeneration(draft);

    const refresh = draft.spec.refresh;
    if (!newGeneration && isFinished(draft)) {
      await this.prune(draft, ctx);
      // A finished build only looks again to follow a daily-build ISO (spec.refresh).
      const due = refresh ? refreshDueIn(draft, parseDuration(refresh.interval), now) : undefined;
      if (due === undefined) return undefined;
      if (due > 0) return requeueAfter(due);
    }

    let inputs: BuildInputs;
    try {
      inputs = await resolveInputs(draft, this.deps.refsFor(draft.metadata.namespace ?? ""));
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      // An unreachable checksum file may come back; everything else is the spec's to fix.
      if (err.reason === "DownloadFailed") {
        if (!isFinished(draft)) setPending(draft, `${err.message} (retrying)`, now);
        throw err;
      }
      if (!isFinished(draft)) this.fail(draft, err.reason, err.message, now);
      return undefined;
    }

    if (isFinished(draft)) {
      draft.status.lastRefreshTime = timestamp(now);
      if (inputs.key === draft.status.buildKey) return requeueAfter(parseDuration(refresh?.interval ?? "1h"));
      ctx.log.info({ buildKey: inputs.key }, "Source changed; starting a new build");
      startRun(draft, now);
    }
    recordInputs(draft, inputs);

    const holder = holderOf(draft);
    const image = this.findImage(inputs.key);
    if (image) {
      // This build's own entry: the pass that recorded it may have ended (a crash, a failed delete)
      // before releasing the claim, which would otherwise outlive the build and stall its key.
      if (image.spec.createdFrom.uid === draft.metadata.uid)
        await this.deps.claims.release(inputs.key, holder);
      return this.succeedFromCatalog(draft, image, now);
    }

    const claim = await this.deps.claims.claim(inputs.key, holder, (h) => this.buildAlive(h));
    if (!claim.owned) {
      setPending(
        draft,
        `Waiting for ${claim.holder.split("/").slice(0, 2).join("/")}, which builds the same build key`,
        now,
      );
      return requeueAfter(waitForPeerMs);
    }

    const state = await this.deps.backend.advance({
      build: draft,
      ...inputs,
      refs: this.deps.refsFor(draft.metadata.namespace ?? ""),
      log: ctx.log,
    });
    switch (state.kind) {
      case "running":
        setProgress(draft, state, state.steps, now);
        return requeueAfter(this.deps.backend.pollIntervalMs);
      // The claim goes before the status says the build is done: a pass that throws still writes its
      // status, and a finished build never looks again, so a claim left then would stall its key.
      case "failed":
        await this.deps.claims.release(inputs.key, holder);
        this.fail(draft, state.reason, state.message, now);
        return undefined;
      case "succeeded": {
        const recorded = imageFor(draft, inputs.key, inputs.sourceSHA256, state);
        await this.deps.client.create(rootfsImageRef, recorded).catch((err: unknown) => {
          if (!isAlreadyExists(err)) throw err;
        });
        await this.deps.claims.release(inputs.key, holder);
        markSucceeded(
          draft,
          { reason: "Built", image: recorded.metadata.name, artifacts: state.artifacts, steps: state.steps },
          now,
        );
        this.observeFinished(draft, state.artifacts);
        void this.deps.events.record(
          draft,
          "Normal",
          "Built",
          `Published ${recorded.spec.size} as ${recorded.metadata.name}`,
        );
        return undefined;
      }
    }
  }

  private succeedFromCatalog(draft: Draft, image: RootfsImage, now: Date): Result {
    const ours = image.spec.createdFrom.uid === draft.metadata.uid;
    if (draft.status.phase === "Succeeded" && draft.status.image === image.metadata.name) return undefined;
    markSucceeded(
      draft,
      { reason: ours ? "Built" : "CatalogHit", image: image.metadata.name, artifacts: image.spec.artifacts },
      now,
    );
    if (!ours) this.deps.metrics.catalogHits.inc();
    return undefined;
  }

  private fail(draft: Draft, reason: StepFailure["reason"], message: string, now: Date): void {
    markFailed(draft, reason, message, now);
    void this.deps.events.record(draft, "Warning", reason, message.slice(0, 1024));
  }

  private observeFinished(draft: Draft, artifacts: { kind: string; size: number }[]): void {
    for (const step of draft.status.steps ?? []) {
      if (!step.startTime || !step.completionTime) continue;
      const seconds = (Date.parse(step.completionTime) - Date.parse(step.startTime)) / 1000;
      this.deps.metrics.stepDuration.observe({ step: step.name }, seconds);
    }
    for (const a of artifacts) this.deps.metrics.bytesProduced.inc({ kind: a.kind }, a.size);
  }

  /**
   * spec.refresh.keep: deletes this build's catalog entries past the retention count, each entry
   * before its artifacts, so the catalog never points at deleted files. A failure is reported and
   * retried on the next pass; it never holds up the refresh.
   */
  private async prune(draft: Draft, ctx: ReconcileContext): Promise<void> {
    if (decideRetention(draft, this.deps.images.list(), this.deps.builds.list()).prune.length === 0) return;
    try {
      // The cache may not yet show a build that just took one of these entries: decide on a fresh list.
      const builds = await this.deps.client.list<RootfsBuild>(rootfsBuildRef);
      for (const pruned of decideRetention(draft, this.deps.images.list(), builds.items).prune) {
        await this.pruneOne(draft, pruned, ctx);
      }
    } catch (err) {
      ctx.log.warn({ err }, "Could not prune catalog entries");
      void this.deps.events.record(
        draft,
        "Warning",
        "PruneFailed",
        `Pruning catalog entries failed: ${errorText(err)}`,
      );
    }
  }

  private async pruneOne(draft: Draft, { image, artifacts }: Pruned, ctx: ReconcileContext): Promise<void> {
    const name = image.metadata.name;
    try {
      await this.deps.client.delete(rootfsImageRef, name, undefined, {
        preconditions: { uid: image.metadata.uid },
      });
    } catch (err) {
      // Someone replaced the entry since the cache saw it: it is not the one decided on.
      if (isConflict(err)) return;
      throw err;
    }
    const refs = this.deps.refsFor(draft.metadata.namespace ?? "");
    const cleanup = await deleteArtifacts(this.deps.backend, { build: draft, image, artifacts, refs });
    const keep = draft.spec.refresh?.keep ?? 0;
    ctx.log.info({ image: name, deleted: cleanup.deleted, left: cleanup.left }, "Pruned catalog entry");
    const left = cleanup.left.map((l) => `${l.location} (${l.why})`).join(", ");
    void this.deps.events.record(
      draft,
      cleanup.left.length === 0 ? "Normal" : "Warning",
      "Pruned",
      `Deleted catalog entry ${name}, older than the ${keep} kept by spec.refresh.keep; ` +
        `deleted ${cleanup.deleted.length} artifacts${left ? `, left ${left}` : ""}`,
    );
  }

  private async finalize(draft: Draft, ctx: ReconcileContext): Promise<Result> {
    await this.deps.backend.cleanup(draft, ctx.log);
    if (draft.status.buildKey) await this.deps.claims.release(draft.status.buildKey, holderOf(draft));
    await removeFinalizer(this.deps.client, rootfsBuildRef, draft, cleanupFinalizer);
    ctx.log.info("Cleaned up after deleted build");
    return undefined;
  }

  private findImage(key: string): RootfsImage | undefined {
    return this.deps.images.list().find((image) => image.spec.buildKey === key);
  }

  private buildAlive(holder: string): boolean {
    const [namespace, name, uid] = holder.split("/");
    const build = this.deps.builds.get(`${namespace}/${name}`);
    return build !== undefined && build.metadata.uid === uid && !build.metadata.deletionTimestamp;
  }
}

/** Milliseconds until the next refresh check, from the last check (or the build's completion). */
function refreshDueIn(draft: Draft, intervalMs: number, now: Date): number {
  const last = Date.parse(
    draft.status.lastRefreshTime ?? draft.status.completionTime ?? draft.status.startTime ?? "",
  );
  return Number.isNaN(last) ? 0 : Math.max(0, last + intervalMs - now.getTime());
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

function isFinished(draft: Draft): boolean {
  return draft.status.phase === "Succeeded" || draft.status.phase === "Failed";
}
