// A keyed work queue with client-go semantics:
// - a key is queued at most once (adds while queued are merged);
// - a key being processed is not handed out again; adds meanwhile mark it
//   dirty and it is requeued when done() is called;
// - addAfter() delays, addRateLimited() backs off per key until forget();
// - after shutDown() adds are ignored and get() returns undefined once drained.

import { ItemBackoff } from "./item-backoff.js";
import type { QueueProbe, RuntimeMetrics } from "./metrics.js";

export interface WorkQueueOptions {
  /** First backoff of addRateLimited() (default 5 ms). */
  baseDelayMs?: number;
  /** Backoff ceiling (default 1000 s). */
  maxDelayMs?: number;
}

export class WorkQueue implements QueueProbe {
  private queue: string[] = [];
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<string>();
  /** Keys handed out by get() and not yet done(), with when that happened. */
  private readonly processing = new Map<string, number>();
  private readonly addedAt = new Map<string, number>();
  /** addAfter() keys and when they become ready (the earliest request wins). */
  private readonly waiting = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly backoff: ItemBackoff;
  private shuttingDown = false;

  constructor(
    readonly name: string,
    private readonly metrics: RuntimeMetrics,
    opts: WorkQueueOptions = {},
  ) {
    this.backoff = new ItemBackoff(opts.baseDelayMs, opts.maxDelayMs);
    metrics.addQueue(this);
    metrics.queueDepth.set({ name }, 0);
    metrics.queueAdds.inc({ name }, 0);
    metrics.queueRetries.inc({ name }, 0);
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.metrics.queueAdds.inc({ name: this.name });
    this.dirty.add(key);
    if (!this.addedAt.has(key)) this.addedAt.set(key, performance.now());
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds `key` once `ms` have passed (at once for ms <= 0). */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    this.metrics.queueRetries.inc({ name: this.name });
    if (ms <= 0) return this.add(key);
    const readyAt = performance.now() + ms;
    const existing = this.waiting.get(key);
    if (existing !== undefined && existing <= readyAt) return;
    this.waiting.set(key, readyAt);
    this.armTimer();
  }

  /** Adds `key` after its per-key backoff (which doubles on every call until forget()), or `atLeastMs` if longer. */
  addRateLimited(key: string, atLeastMs = 0): void {
    if (this.shuttingDown) return;
    this.addAfter(key, Math.max(this.backoff.when(key), atLeastMs));
  }

  /** Stops backing off `key` (call after it was processed successfully). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  numRequeues(key: string): number {
    return this.backoff.numRequeues(key);
  }

  /** Next key to process; waits while the queue is empty. undefined after shutDown() once drained. */
  get(): Promise<string | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile it is queued again. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration.observe({ name: this.name }, (performance.now() - started) / 1000);
    if (this.dirty.has(key)) this.enqueue(key);
  }

  /** Keys waiting to be handed out (not counting delayed or in-process ones). */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    this.metrics.removeQueue(this);
  }

  unfinishedWorkSeconds(): number {
    const now = performance.now();
    let total = 0;
    for (const started of this.processing.values()) total += now - started;
    return total / 1000;
  }

  longestRunningProcessorSeconds(): number {
    const now = performance.now();
    let longest = 0;
    for (const started of this.processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  private enqueue(key: string): void {
    this.queue.push(key);
    this.metrics.queueDepth.set({ name: this.name }, this.queue.length);
    const getter = this.getters.shift();
    if (getter) getter(this.take());
  }

  private take(): string {
    const key = this.queue.shift() as string;
    this.metrics.queueDepth.set({ name: this.name }, this.queue.length);
    this.processing.set(key, performance.now());
    this.dirty.delete(key);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) {
      this.metrics.queueLatency.observe({ name: this.name }, (performance.now() - added) / 1000);
    }
    return key;
  }

  // One timer for the earliest delayed key; it re-arms itself for the rest.
  private armTimer(): void {
    let earliest = Infinity;
    for (const at of this.waiting.values()) earliest = Math.min(earliest, at);
    if (earliest === Infinity || earliest >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = earliest;
    this.timer = setTimeout(() => this.releaseReady(), Math.max(0, earliest - performance.now()));
  }

  private releaseReady(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = performance.now();
    const ready = [...this.waiting].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    for (const [key] of ready) {
      this.waiting.delete(key);
      this.add(key);
    }
    this.armTimer();
  }
}
