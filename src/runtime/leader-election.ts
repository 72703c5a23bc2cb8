// Lease-based leader election with client-go's semantics (tools/leaderelection):
// a candidate takes the Lease when it is free, released, or unrenewed for
// leaseDuration as observed on the local clock (never comparing clocks across
// machines); the leader renews every retryPeriod and gives up once it cannot
// renew for renewDeadline, or at once when it sees another holder.

import os from "node:os";
import { randomUUID } from "node:crypto";
import { coreRefs, isAlreadyExists, type KubeClient } from "./kube-client.js";
import { silentLogger, type Logger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";
import type { KubeObject } from "./kube-object.js";
import { jitter, sleep } from "./timing.js";
import { microTime } from "./kube-time.js";

export interface LeaderElectionConfig {
  client: KubeClient;
  namespace: string;
  /** Lease name; also the leader_election_master_status{name} label. */
  name: string;
  /** Default: hostname + "_" + uuid. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Hand the lease back on shutdown so a successor need not wait it out (default true). */
  releaseOnCancel?: boolean;
  log?: Logger;
  metrics?: RuntimeMetrics;
  /** Runs while leading; `signal` aborts when leadership ends. Resolve once the work has stopped. */
  onStartedLeading(signal: AbortSignal): Promise<void> | void;
  /** Called after the onStartedLeading work has stopped. */
  onStoppedLeading?(): void;
  onNewLeader?(identity: string): void;
}

interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

type Lease = KubeObject & { spec?: LeaseSpec };

type Attempt = "held" | "heldByOther" | "failed";

export function defaultIdentity(): string {
  return `${os.hostname()}_${randomUUID()}`;
}

export class LeaderElector {
  readonly identity: string;
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private leading = false;
  private lease: Lease | undefined;
  private observedSpec = "";
  private observedAt = 0;
  private observedHolder = "";

  constructor(private readonly cfg: LeaderElectionConfig) {
    this.identity = cfg.identity ?? defaultIdentity();
    this.leaseDurationMs = cfg.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = cfg.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = cfg.retryPeriodMs ?? 2_000;
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error("leaseDuration must exceed renewDeadline");
    if (this.renewDeadlineMs <= 1.2 * this.retryPeriodMs)
      throw new Error("renewDeadline must exceed 1.2 × retryPeriod");
    // Renewals must not wait behind reconciles for rate-limit tokens.
    this.client = cfg.client.withTimeout(this.renewDeadlineMs).withOwnRateLimit();
    this.log = (cfg.log ?? silentLogger()).child({
      lease: `${cfg.namespace}/${cfg.name}`,
      identity: this.identity,
    });
    cfg.metrics?.leaderStatus.set({ name: cfg.name }, 0);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * One term: campaigns until it holds the lease (or `signal` aborts), leads
   * until the lease is lost or `signal` aborts, waits for the onStartedLeading
   * work to stop, and on abort releases the lease. Call again to re-campaign.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leadership = new AbortController();
    this.setLeading(true);
    this.log.info("Became leader");
    const work = Promise.resolve()
      .then(() => this.cfg.onStartedLeading(leadership.signal))
      .catch((err: unknown) => this.log.error({ err }, "Leader work failed"));
    await this.renewWhileLeading(signal);
    leadership.abort(new Error("leadership ended"));
    await work;
    this.setLeading(false);
    try {
      this.cfg.onStoppedLeading?.();
    } catch (err) {
      this.log.error({ err }, "Stopped-leading callback failed");
    }
    if (signal.aborted && (this.cfg.releaseOnCancel ?? true)) await this.release();
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info("Started leader election");
    while (!signal.aborted) {
      if ((await this.tryAcquireOrRenew()) === "held") return true;
      await sleep(jitter(this.retryPeriodMs, 1.2), signal);
    }
    return false;
  }

  private async renewWhileLeading(signal: AbortSignal): Promise<void> {
    let lastRenewed = performance.now();
    while (!signal.aborted) {
      await sleep(this.retryPeriodMs, signal);
      if (signal.aborted) return;
      const attempt = await this.tryAcquireOrRenew();
      if (attempt === "held") {
        lastRenewed = performance.now();
      } else if (attempt === "heldByOther") {
        this.log.warn({ holder: this.observedHolder }, "Lost leader lease to another holder");
        return;
      } else if (performance.now() - lastRenewed > this.renewDeadlineMs) {
        this.log.warn({ renewDeadlineMs: this.renewDeadlineMs }, "Failed to renew leader lease in time");
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const ref = coreRefs.lease;
    const { namespace, name } = this.cfg;
    const now = new Date();
    const leaseDurationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    try {
      const current = await this.client.getOrUndefined<Lease>(ref, name, namespace);
      if (!current) {
        const spec: LeaseSpec = {
          holderIdentity: this.identity,
          leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        };
        this.observe(await this.client.create<Lease>(ref, { metadata: { name, namespace }, spec }));
        return "held";
      }
      this.observe(current);
      const old = current.spec ?? {};
      const holder = old.holderIdentity ?? "";
      if (
        holder !== "" &&
        holder !== this.identity &&
        this.observedAt + this.leaseDurationMs > performance.now()
      ) {
        return "heldByOther";
      }
      const renewing = holder === this.identity;
      const spec: LeaseSpec = {
        holderIdentity: this.identity,
        leaseDurationSeconds,
        acquireTime: renewing ? (old.acquireTime ?? microTime(now)) : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (old.leaseTransitions ?? 0) + (renewing ? 0 : 1),
      };
      // The fetched resourceVersion makes this a compare-and-swap: a racing candidate gets 409.
      this.observe(await this.client.replace<Lease>(ref, { ...current, spec }));
      return "held";
    } catch (err) {
      if (!isAlreadyExists(err)) this.log.debug({ err }, "Lease update failed");
      return "failed";
    }
  }

  private observe(lease: Lease): void {
    this.lease = lease;
    const spec = JSON.stringify(lease.spec ?? {});
    if (spec !== this.observedSpec) {
      this.observedSpec = spec;
      this.observedAt = performance.now();
    }
    const holder = lease.spec?.holderIdentity ?? "";
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder !== "") {
        this.log.info({ holder }, "Observed new leader");
        this.cfg.onNewLeader?.(holder);
      }
    }
  }

  // Like client-go's ReleaseOnCancel: an empty holder lets any candidate take over at once.
  private async release(): Promise<void> {
    const lease = this.lease;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const now = microTime(new Date());
    const spec: LeaseSpec = {
      holderIdentity: "",
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: lease.spec.leaseTransitions ?? 0,
    };
    try {
      this.observe(await this.client.replace<Lease>(coreRefs.lease, { ...lease, spec }));
      this.log.info("Released leader lease");
    } catch (err) {
      this.log.warn({ err }, "Could not release leader lease");
    }
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.cfg.metrics?.leaderStatus.set({ name: this.cfg.name }, leading ? 1 : 0);
  }
}
