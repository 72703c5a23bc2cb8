import type { RootfsBuild, RootfsBuildStatus } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { RefResolver } from "../plan/answer-plan.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import type { EventReason } from "../reasons/event-reasons.js";
import type { EventRecorder } from "../runtime/events.js";
import {
  ensureFinalizer,
  kubeTime,
  reconcileStatus,
  removeFinalizer,
  requeueAfter,
  type Informer,
  type KubeClient,
  type ReconcileContext,
  type Reconciler,
  type Result,
} from "../runtime/index.js";
import type { BackendState, BuildBackend, BuildRun } from "./backend.js";
import { decideBuild, waitingForHolder, type BuildDecision, type BuildObservation } from "./build-decide.js";
import { BuildInputsCache } from "./inputs-cache.js";
import { holderAlive, observeBuild, type ObserveBuildDeps } from "./build-observe.js";
import { publishImage } from "./build-publish.js";
import { readUsableImage } from "./catalog.js";
import { holderOf, type ClaimTarget, type KeyClaims } from "./claim.js";
import { sourcePolicyOf, type OperatorConfig } from "./config.js";
import type { ResolvedStorage } from "./builders/storage.js";
import type { OperatorMetrics } from "./metrics.js";
import { pruneCatalog, type PruneDeps } from "./prune.js";
import { cleanupFinalizer, rootfsBuildRef } from "./rootfs-refs.js";
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
type Work = Extract<BuildDecision, { kind: "work" }>;

export interface BuildReconcilerDeps {
  client: KubeClient;
  backend: BuildBackend;
  claims: KeyClaims;
  builds: Informer<RootfsBuild>;
  images: Informer<RootfsImage>;
  metrics: OperatorMetrics;
  events: EventRecorder<EventReason>;
  refsFor: (namespace: string) => RefResolver;
  config: OperatorConfig;
  now?: () => Date;
}

/** How often a build waiting on another's claim, or on its storage, looks again (watches wake it sooner). */
const waitMs = 15_000;

/** Looks again when a held claim would lapse unless renewed (watches wake it sooner), at most waitMs. */
const untilLapsed = (lapsesInMs: number) => Math.max(250, Math.min(waitMs, lapsesInMs + 250));

/**
 * Level-triggered: every pass gathers the build's inputs (resolved once per generation), the catalog,
 * its claim and its storage, decides the next step purely (decideBuild), and acts on it; the status is
 * written once, by the harness.
 */
export class BuildReconciler implements Reconciler {
  private readonly now: () => Date;
  private readonly inputs: BuildInputsCache;
  private readonly observeDeps: ObserveBuildDeps;
  private readonly pruneDeps: PruneDeps;

  constructor(private readonly deps: BuildReconcilerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.inputs = new BuildInputsCache(sourcePolicyOf(deps.config), deps.refsFor);
    this.observeDeps = { ...deps, inputs: this.inputs };
    this.pruneDeps = { ...deps, watchNamespaces: deps.config.watchNamespaces };
  }

  reconcile(key: string, ctx: ReconcileContext): Promise<Result> {
    return reconcileStatus<Draft>(this.deps.client, rootfsBuildRef, key, (draft) => this.pass(draft, ctx));
  }

  private async pass(draft: Draft, ctx: ReconcileContext): Promise<Result> {
    draft.status ??= {};
    if (draft.metadata.deletionTimestamp) return this.finalize(draft, ctx);
    await ensureFinalizer(this.deps.client, rootfsBuildRef, draft, cleanupFinalizer);
    const now = this.now();
    const observed = await observeBuild(draft, this.observeDeps, now);
    const decision = decideBuild(observed);
    if (observed.newGeneration) startRun(draft, now);
    observeGeneration(draft);
    if ("inputs" in decision && decision.inputs && decision.kind !== "rekey")
      recordInputs(draft, decision.inputs);
    return this.act(draft, observed, decision, ctx, now);
  }

  private async act(
    draft: Draft,
    observed: BuildObservation,
    decision: BuildDecision,
    ctx: ReconcileContext,
    now: Date,
  ): Promise<Result> {
    switch (decision.kind) {
      case "idle":
        await pruneCatalog(draft, this.pruneDeps, ctx.log);
        return decision.requeueAfterMs === undefined ? undefined : requeueAfter(decision.requeueAfterMs);
      case "refreshed":
        draft.status.lastRefreshTime = kubeTime(now);
        if (decision.note) ctx.log.warn({ why: decision.note }, "Refresh could not resolve the source");
        return requeueAfter(decision.requeueAfterMs);
      case "fail":
        this.fail(draft, decision.reason, decision.message, now);
        return undefined;
      case "retryInputs":
        setPending(draft, `${decision.message} (retrying)`, now);
        // Thrown, so the workqueue backs off; the harness still writes the status.
        throw new Error(decision.message);
      case "rekey":
        return this.rekey(draft, observed, decision, ctx, now);
      case "succeedFromCatalog":
        return this.succeedFromCatalog(draft, decision.image, ctx, now);
      case "waitForStorage":
        setPending(draft, decision.message, now);
        return requeueAfter(waitMs);
      case "waitForClaim":
        setPending(draft, decision.message, now);
        return requeueAfter(untilLapsed(decision.lapsesInMs));
      case "work":
        return this.work(draft, decision, ctx, now);
    }
  }

  /**
   * The key changed under the recorded one: one transaction retires the old key (its claim, and the
   * children the backend made for it) and starts the build over with the new inputs.
   */
  private async rekey(
    draft: Draft,
    observed: BuildObservation,
    decision: Extract<BuildDecision, { kind: "rekey" }>,
    ctx: ReconcileContext,
    now: Date,
  ): Promise<Result> {
    const scope =
      observed.storage?.kind === "resolved"
        ? observed.storage.scope
        : { kind: "namespace" as const, namespace: draft.metadata.namespace ?? "" };
    await this.deps.claims.release({ key: decision.fromKey, scope }, holderOf(draft));
    if (observed.storage?.kind === "resolved") {
      const run = this.runOf(draft, decision.inputs, observed.storage.value, ctx);
      await this.deps.backend.retireStale(run);
    } else await this.deps.backend.cleanup(draft, ctx.log);
    const message = `Build key changed from ${decision.fromKey.slice(0, 12)} to ${decision.inputs.key.slice(0, 12)}; starting over`;
    ctx.log.info({ from: decision.fromKey, to: decision.inputs.key }, "Build key changed; started over");
    void this.deps.events.record(draft, "Normal", "Rekeyed", message);
    if (observed.finished) draft.status.lastRefreshTime = kubeTime(now);
    startRun(draft, now);
    recordInputs(draft, decision.inputs);
    return { requeue: true };
  }

  private async work(draft: Draft, decision: Work, ctx: ReconcileContext, now: Date): Promise<Result> {
    const { inputs, storage, scope } = decision;
    const target: ClaimTarget = { key: inputs.key, scope };
    if (decision.claim === "take") {
      // A holder that just finished may have published the entry (and released its claim) before the
      // image informer shows it: ask the apiserver before taking the key, which is rare.
      const published = await readUsableImage(this.deps.client, inputs.key, draft, this.deps.config);
      if (published) return this.succeedFromCatalog(draft, published, ctx, now);
      const claim = await this.takeClaim(draft, target);
      if (claim.state === "held") {
        setPending(draft, waitingForHolder(claim.holder, draft.metadata.namespace ?? ""), now);
        return requeueAfter(untilLapsed(claim.lapsesInMs));
      }
      if (claim.state !== "ours") return requeueAfter(1000);
    }
    const state = await this.deps.backend.advance(this.runOf(draft, inputs, storage, ctx));
    if (state.kind === "running") {
      setProgress(draft, state, state.steps, now);
      // Work that is blocked on the user does not renew: an identical build may take the key over.
      if (decision.claim === "renew" && !state.waiting) await this.takeClaim(draft, target);
      return requeueAfter(this.deps.backend.pollIntervalMs);
    }
    if (state.kind === "failed") {
      // The claim goes before the status says the build failed: a failed build never looks again.
      await this.deps.claims.release(target, holderOf(draft));
      this.fail(draft, state.reason, state.message, now);
      return undefined;
    }
    return this.publish(draft, decision, state, ctx, now);
  }

  private async publish(
    draft: Draft,
    decision: Work,
    state: Extract<BackendState, { kind: "succeeded" }>,
    ctx: ReconcileContext,
    now: Date,
  ): Promise<Result> {
    const published = await publishImage(this.deps.client, this.deps.config, {
      build: draft,
      inputs: decision.inputs,
      scope: decision.scope,
      outcome: state,
    });
    // The claim goes once the entry exists (or never will), and before the status says the build is
    // done: a pass that dies before publishing still holds the key, so no twin builds it meanwhile.
    await this.deps.claims.release({ key: decision.inputs.key, scope: decision.scope }, holderOf(draft));
    if (published.kind === "refused") {
      this.fail(draft, published.reason, published.message, now);
      return undefined;
    }
    if (published.kind === "usable") return this.succeedFromCatalog(draft, published.image, ctx, now);
    const image = published.image;
    markSucceeded(
      draft,
      { reason: "Built", image: image.metadata.name, artifacts: state.artifacts, steps: state.steps },
      now,
    );
    this.deps.metrics.observeFinished(draft, state.artifacts);
    void this.deps.events.record(
      draft,
      "Normal",
      "Built",
      `Published ${image.spec.size} as ${image.metadata.name}`,
    );
    return undefined;
  }

  private async succeedFromCatalog(
    draft: Draft,
    image: RootfsImage,
    ctx: ReconcileContext,
    now: Date,
  ): Promise<Result> {
    const ours = image.spec.createdFrom.uid === draft.metadata.uid;
    if (draft.status.phase === "Succeeded" && draft.status.image === image.metadata.name) return undefined;
    // This build's own entry: the pass that recorded it may have ended (a crash, a failed delete)
    // before releasing the claim. Another's: anything this build started for the key is not needed.
    if (ours) await this.releaseClaims(draft, image.spec.buildKey);
    else await this.deps.backend.cleanup(draft, ctx.log);
    markSucceeded(
      draft,
      { reason: ours ? "Built" : "CatalogHit", image: image.metadata.name, artifacts: image.spec.artifacts },
      now,
    );
    if (!ours) this.deps.metrics.catalogHits.inc();
    return undefined;
  }

  /** Releases this build's claim of `key` in whichever scope it holds it. */
  private async releaseClaims(draft: Draft, key: string): Promise<void> {
    const namespace = draft.metadata.namespace ?? "";
    for (const scope of [{ kind: "shared" as const }, { kind: "namespace" as const, namespace }])
      await this.deps.claims.release({ key, scope }, holderOf(draft));
  }

  private runOf(
    draft: Draft,
    inputs: BuildInputs,
    storage: ResolvedStorage,
    ctx: ReconcileContext,
  ): BuildRun {
    return {
      build: draft,
      inputs,
      storage,
      refs: this.deps.refsFor(draft.metadata.namespace ?? ""),
      log: ctx.log,
    };
  }

  private takeClaim(draft: Draft, target: ClaimTarget) {
    return this.deps.claims.take(target, holderOf(draft), (h) => holderAlive(this.deps.builds, h));
  }

  private fail(draft: Draft, reason: Parameters<typeof markFailed>[1], message: string, now: Date): void {
    markFailed(draft, reason, message, now);
    void this.deps.events.record(draft, "Warning", reason, message.slice(0, 1024));
  }

  private async finalize(draft: Draft, ctx: ReconcileContext): Promise<Result> {
    await this.deps.backend.cleanup(draft, ctx.log);
    if (draft.status.buildKey) await this.releaseClaims(draft, draft.status.buildKey);
    await removeFinalizer(this.deps.client, rootfsBuildRef, draft, cleanupFinalizer);
    this.inputs.forget(draft.metadata.uid ?? "");
    ctx.log.info("Cleaned up after deleted build");
    return undefined;
  }
}
