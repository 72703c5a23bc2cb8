// Owns the pieces of an operator process and their order: health server and
// informers first, controllers once caches are synced (and, with leader
// election, only while leading); on stop, the reverse, letting in-flight
// reconciles finish within a grace period before the lease is released.

import { Controller, type Watch } from "./controller.js";
import { EventRecorder } from "./events.js";
import { HealthServer, type Check } from "./health.js";
import { Informer } from "./informer.js";
import { KubeClient, type RateLimit } from "./kube-client.js";
import { LeaderElector, type LeaderElectionConfig } from "./leader-election.js";
import { createLogger, type Logger } from "./logger.js";
import { RuntimeMetrics } from "./metrics.js";
import type { Reconciler } from "./reconcile.js";
import type { KubeObject, ResourceRef } from "./kube-object.js";
import { settleWithin } from "./timing.js";
import type { WorkQueueOptions } from "./workqueue.js";

export { installSignalHandlers } from "./signals.js";

export type LeaderElectionOptions = Pick<
  LeaderElectionConfig,
  | "namespace"
  | "name"
  | "identity"
  | "leaseDurationMs"
  | "renewDeadlineMs"
  | "retryPeriodMs"
  | "releaseOnCancel"
>;

export interface ManagerOptions {
  /** Default: KubeClient.load({ kubeconfig, context, userAgent, rateLimit }). */
  client?: KubeClient;
  kubeconfig?: string;
  context?: string;
  userAgent?: string;
  /** Client-side limit on API requests (not watches): default QPS 20, burst 30; false for none. */
  rateLimit?: RateLimit | false;
  /** Default: createLogger() (level from $LOG_LEVEL). */
  log?: Logger;
  metrics?: RuntimeMetrics;
  /** Where /healthz, /readyz and /metrics are served ("host:port", ":port"); false for nowhere. Default ":8080". */
  healthAddress?: string | false;
  /** Run controllers only while holding this Lease. */
  leaderElection?: LeaderElectionOptions;
  /** How long stop() waits for in-flight reconciles (default 30 s). */
  gracefulShutdownMs?: number;
}

export interface ControllerSpec {
  name: string;
  reconciler: Reconciler;
  workers?: number;
  watches: Watch[];
  queue?: WorkQueueOptions;
}

export class Manager {
  readonly client: KubeClient;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  private readonly ownsClient: boolean;
  private readonly informers = new Map<string, Informer>();
  private readonly controllers: Controller[] = [];
  private readonly recorders: EventRecorder<string>[] = [];
  private readonly health: HealthServer | undefined;
  private readonly elector: LeaderElector | undefined;
  private readonly informerStop = new AbortController();
  private readonly workStop = new AbortController();
  private readonly gracefulShutdownMs: number;
  private started = false;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private running: Promise<void> | undefined;

  constructor(opts: ManagerOptions = {}) {
    this.log = opts.log ?? createLogger();
    this.metrics = opts.metrics ?? new RuntimeMetrics();
    this.ownsClient = !opts.client;
    this.client =
      opts.client ??
      KubeClient.load({
        ...(opts.kubeconfig !== undefined && { kubeconfig: opts.kubeconfig }),
        ...(opts.context !== undefined && { context: opts.context }),
        ...(opts.userAgent !== undefined && { userAgent: opts.userAgent }),
        ...(opts.rateLimit !== undefined && { rateLimit: opts.rateLimit }),
      });
    const host = new URL(this.client.server).host;
    this.client.observeRequests(({ method, status }) =>
      this.metrics.restClientRequests.inc({ code: String(status), method, host }),
    );
    this.gracefulShutdownMs = opts.gracefulShutdownMs ?? 30_000;
    const address = opts.healthAddress ?? ":8080";
    if (address !== false) {
      this.health = new HealthServer({ address, metrics: this.metrics, log: this.log });
      this.health.addHealthCheck("ping", () => true);
      this.health.addReadyCheck("manager", () => this.started || "not started");
    }
    if (opts.leaderElection) {
      this.elector = new LeaderElector({
        ...opts.leaderElection,
        client: this.client,
        log: this.log,
        metrics: this.metrics,
        onStartedLeading: (signal) => this.runControllers(signal),
      });
    }
  }

  /** This replica's leader-election identity, if leader election is on. */
  get identity(): string | undefined {
    return this.elector?.identity;
  }

  /**
   * The shared informer for `ref` (per namespace and selector): created on
   * first use, started by start() (or at once if the manager is running).
   */
  addInformer<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    opts: { namespace?: string; namespaces?: string[]; labelSelector?: string } = {},
  ): Informer<T> {
    const scope = opts.namespaces?.join(",") ?? opts.namespace ?? "";
    const id = [ref.group, ref.version, ref.plural, scope, opts.labelSelector ?? ""].join("|");
    let informer = this.informers.get(id);
    if (!informer) {
      informer = new Informer(this.client, ref, { ...opts, log: this.log });
      this.informers.set(id, informer);
      const inf = informer;
      this.health?.addReadyCheck(`informer:${inf.description}`, () => inf.hasSynced() || "not synced");
      if (this.starting) inf.start(this.informerStop.signal);
    }
    return informer as unknown as Informer<T>;
  }

  addController(spec: ControllerSpec): Controller {
    if (this.starting) throw new Error(`controller ${spec.name}: add controllers before start()`);
    if (this.controllers.some((c) => c.name === spec.name)) {
      throw new Error(`controller ${spec.name} is already registered; controller names must be unique`);
    }
    const controller = new Controller({ ...spec, log: this.log, metrics: this.metrics });
    this.controllers.push(controller);
    return controller;
  }

  /** An EventRecorder whose pending writes stop() flushes. */
  eventRecorder<R extends string = string>(component: string): EventRecorder<R> {
    const recorder = new EventRecorder<R>(this.client, { component, log: this.log });
    this.recorders.push(recorder);
    return recorder;
  }

  addReadyCheck(name: string, check: Check): void {
    this.health?.addReadyCheck(name, check);
  }

  addHealthCheck(name: string, check: Check): void {
    this.health?.addHealthCheck(name, check);
  }

  /** Port of the health/metrics server once started (useful with port 0). */
  healthPort(): number | undefined {
    return this.health?.port();
  }

  /** Whether controllers may run: leading (with leader election) or started (without). */
  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.started && !this.stopping;
  }

  /**
   * Serves health, starts informers and waits for their first list, then
   * runs controllers (with leader election: campaigns in the background and
   * runs them while leading). Resolves once that is under way.
   */
  start(): Promise<void> {
    this.starting ??= this.startOnce();
    return this.starting;
  }

  private async startOnce(): Promise<void> {
    if (this.stopping) throw new Error("manager already stopped; create a new one");
    this.log.info({ controllers: this.controllers.map((c) => c.name) }, "Starting manager");
    if (this.health) await this.health.start();
    for (const informer of this.informers.values()) informer.start(this.informerStop.signal);
    try {
      await Promise.all([...this.informers.values()].map((i) => i.waitForSync(this.informerStop.signal)));
    } catch (err) {
      if (this.stopping) return;
      throw err;
    }
    if (this.stopping) return;
    this.started = true;
    this.log.info("Caches synced");
    this.running = this.elector ? this.campaign(this.elector) : this.runControllers(this.workStop.signal);
  }

  private async campaign(elector: LeaderElector): Promise<void> {
    while (!this.workStop.signal.aborted) await elector.run(this.workStop.signal);
  }

  /** Runs every controller until `stop` aborts; then drains within the grace period. */
  private async runControllers(stop: AbortSignal): Promise<void> {
    const reconcileAbort = new AbortController();
    const runs = Promise.all(this.controllers.map((c) => c.run(stop, reconcileAbort.signal)));
    await new Promise<void>((resolve) => {
      if (stop.aborted) return resolve();
      stop.addEventListener("abort", () => resolve(), { once: true });
    });
    // Lost leadership: another replica may already be writing, so reconciles must stop now.
    // Shutdown: let them finish, up to the grace period.
    if (!this.stopping) reconcileAbort.abort(new Error("leadership lost"));
    if ((await settleWithin(runs, this.gracefulShutdownMs)) === "timeout") {
      this.log.warn(
        { gracefulShutdownMs: this.gracefulShutdownMs },
        "Grace period ended with reconciles still running",
      );
    }
    reconcileAbort.abort(new Error("shutting down"));
  }

  /** Stops taking work, lets in-flight reconciles finish, releases the lease, stops informers and the server. */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
    this.stopping = true;
    this.log.info("Began stopping the manager");
    this.workStop.abort();
    await this.running;
    await settleWithin(Promise.all(this.recorders.map((r) => r.flush())), 5_000);
    this.informerStop.abort();
    await settleWithin(Promise.all([...this.informers.values()].map((i) => i.stopped())), 5_000);
    await this.health?.stop();
    if (this.ownsClient) this.client.close();
    this.started = false;
    this.log.info("Manager stopped");
  }
}
