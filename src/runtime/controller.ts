// Workers that pull keys off a queue and call a reconciler; the result (or
// error) decides whether and when the key comes back. controller-runtime's
// pkg/internal/controller, including its metric names and log keys.

import { randomUUID } from "node:crypto";
import { retryAfterMs } from "./api-error.js";
import type { Informer } from "./informer.js";
import type { Logger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";
import { objectKey, splitKey } from "./object-key.js";
import { isTerminalError, type Reconciler, type Result } from "./reconcile.js";
import type { KubeObject } from "./kube-object.js";
import { WorkQueue, type WorkQueueOptions } from "./workqueue.js";

export * from "./reconcile.js";

/** An informer whose changes enqueue keys; by default the changed object's own key. */
export interface Watch<T extends KubeObject = KubeObject> {
  informer: Informer<T>;
  // Method syntax on purpose: lets a Watch<Job> sit in a Watch[] list.
  mapToKeys?(obj: T, key: string): string[];
}

/** Typed constructor for a Watch entry (infers T from the informer). */
export function watch<T extends KubeObject>(
  informer: Informer<T>,
  mapToKeys?: (obj: T, key: string) => string[],
): Watch<T> {
  return mapToKeys ? { informer, mapToKeys } : { informer };
}

/** Maps a child to its controlling owner of `ownerKind` (same namespace), for watches on owned objects. */
export function mapToOwner(ownerKind: string, ownerGroup?: string): (obj: KubeObject) => string[] {
  return (obj) => {
    const owner = obj.metadata.ownerReferences?.find(
      (o) =>
        o.controller &&
        o.kind === ownerKind &&
        (ownerGroup === undefined || o.apiVersion.split("/").slice(0, -1).join("/") === ownerGroup),
    );
    if (!owner) return [];
    const ns = obj.metadata.namespace;
    return [ns ? `${ns}/${owner.name}` : owner.name];
  };
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  /** Concurrent reconciles (default 1). A key is never reconciled by two workers at once. */
  workers?: number;
  watches: Watch[];
  log: Logger;
  metrics: RuntimeMetrics;
  queue?: WorkQueueOptions;
}

export class Controller {
  readonly name: string;
  private queue: WorkQueue | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: ControllerOptions) {
    this.name = opts.name;
    this.log = opts.log.child({ controller: opts.name });
    for (const w of opts.watches) {
      w.informer.onChange((obj, key) => {
        for (const k of w.mapToKeys ? w.mapToKeys(obj, key) : [key]) this.queue?.add(k);
      });
    }
    const m = opts.metrics;
    const controller = opts.name;
    for (const result of ["success", "error", "requeue", "requeue_after"])
      m.reconcileTotal.inc({ controller, result }, 0);
    m.reconcileErrors.inc({ controller }, 0);
    m.terminalReconcileErrors.inc({ controller }, 0);
    m.activeWorkers.set({ controller }, 0);
    m.maxConcurrentReconciles.set({ controller }, this.workers);
  }

  get workers(): number {
    return Math.max(1, this.opts.workers ?? 1);
  }

  /** Queues `key` for reconciliation (no-op while the controller is not running). */
  enqueue(key: string): void {
    this.queue?.add(key);
  }

  /**
   * Reconciles until `stop` aborts, then stops taking keys and resolves once
   * in-flight reconciles have returned. Reconciles see `reconcileSignal`.
   * Can run again after it resolved (e.g. on regaining leadership), with a fresh queue.
   */
  async run(stop: AbortSignal, reconcileSignal: AbortSignal = stop): Promise<void> {
    if (stop.aborted) return;
    const queue = new WorkQueue(this.name, this.opts.metrics, this.opts.queue);
    this.queue = queue;
    // Everything already cached gets a first pass, as an informer replay does in controller-runtime.
    for (const w of this.opts.watches) {
      for (const obj of w.informer.list()) {
        const key = objectKey(obj);
        for (const k of w.mapToKeys ? w.mapToKeys(obj, key) : [key]) queue.add(k);
      }
    }
    const onStop = () => queue.shutDown();
    stop.addEventListener("abort", onStop, { once: true });
    this.log.info({ workerCount: this.workers }, "Started workers");
    try {
      await Promise.all(
        Array.from({ length: this.workers }, () => this.worker(queue, stop, reconcileSignal)),
      );
    } finally {
      stop.removeEventListener("abort", onStop);
      queue.shutDown();
      if (this.queue === queue) this.queue = undefined;
      this.log.info("All workers finished");
    }
  }

  private async worker(queue: WorkQueue, stop: AbortSignal, reconcileSignal: AbortSignal): Promise<void> {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      if (stop.aborted) {
        queue.done(key);
        return;
      }
      await this.process(queue, key, reconcileSignal);
    }
  }

  private async process(queue: WorkQueue, key: string, signal: AbortSignal): Promise<void> {
    const m = this.opts.metrics;
    const controller = this.name;
    const reconcileID = randomUUID();
    const { namespace, name } = splitKey(key);
    const log = this.log.child({ ...(namespace !== undefined && { namespace }), name, reconcileID });
    m.activeWorkers.inc({ controller });
    const started = performance.now();
    try {
      const result: Result = await this.opts.reconciler.reconcile(key, { log, reconcileID, signal });
      if (result?.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
        queue.forget(key);
        queue.addAfter(key, result.requeueAfterMs);
        m.reconcileTotal.inc({ controller, result: "requeue_after" });
      } else if (result?.requeue) {
        queue.addRateLimited(key);
        m.reconcileTotal.inc({ controller, result: "requeue" });
      } else {
        queue.forget(key);
        m.reconcileTotal.inc({ controller, result: "success" });
      }
    } catch (err) {
      m.reconcileErrors.inc({ controller });
      m.reconcileTotal.inc({ controller, result: "error" });
      if (isTerminalError(err)) {
        m.terminalReconcileErrors.inc({ controller });
        queue.forget(key);
        log.error({ err }, "Reconcile failed for good (terminal, not retried)");
      } else {
        // An apiserver that asked us to wait (429, 503 with Retry-After) is not asked again sooner.
        queue.addRateLimited(key, retryAfterMs(err));
        log.error({ err, retries: queue.numRequeues(key) }, "Reconcile failed");
      }
    } finally {
      m.reconcileTime.observe({ controller }, (performance.now() - started) / 1000);
      m.activeWorkers.dec({ controller });
      queue.done(key);
    }
  }
}
