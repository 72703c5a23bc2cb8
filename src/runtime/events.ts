// core/v1 Events about objects, with client-go's aggregation of repeats: the
// same (object, type, reason, message) within 10 minutes bumps count and
// lastTimestamp on the existing Event instead of creating another one.

import os from "node:os";
import { coreRefs, isNotFound, type KubeClient } from "./kube-client.js";
import { silentLogger, type Logger } from "./logger.js";
import type { KubeObject } from "./kube-object.js";
import { kubeTime } from "./kube-time.js";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  /** source.component / reportingComponent, e.g. "rootfs-operator". */
  component: string;
  /** source.host / reportingInstance (default: hostname). */
  host?: string;
  log?: Logger;
  /** How long a repeat is folded into the earlier Event (default 10 min). */
  aggregationWindowMs?: number;
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

const maxMessageLength = 1024;
const maxCachedEvents = 4096;

/** Records Events whose reason is one of `R`: callers name their closed set of reasons. */
export class EventRecorder<R extends string = string> {
  private readonly cache = new Map<string, Recorded>();
  private pending: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private readonly host: string;
  private seq = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: EventRecorderOptions,
  ) {
    this.log = (opts.log ?? silentLogger()).child({ component: opts.component });
    this.host = opts.host ?? os.hostname();
  }

  /**
   * Records an Event about `obj`. Never rejects: failures are logged. Writes
   * are serialised, so awaiting is optional (`void recorder.record(…)`).
   */
  record(obj: KubeObject, type: EventType, reason: R, message: string): Promise<void> {
    const text = message.length > maxMessageLength ? `${message.slice(0, maxMessageLength - 3)}...` : message;
    const write = this.pending.then(() => this.write(obj, type, reason, text));
    this.pending = write.catch((err: unknown) => {
      this.log.warn({ err, reason, object: obj.metadata.name }, "Could not record event");
    });
    return this.pending;
  }

  /** Resolves once every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.pending;
  }

  private async write(obj: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const m = obj.metadata;
    const cacheKey = JSON.stringify([m.uid ?? "", obj.kind, m.namespace, m.name, type, reason, message]);
    const now = Date.now();
    const timestamp = kubeTime(new Date(now));
    const seen = this.cache.get(cacheKey);
    if (seen && now - seen.lastSeenMs < (this.opts.aggregationWindowMs ?? 10 * 60_000)) {
      const count = seen.count + 1;
      try {
        await this.client.patch(
          coreRefs.event,
          seen.name,
          seen.namespace,
          { count, lastTimestamp: timestamp },
          "merge",
        );
        this.remember(cacheKey, { ...seen, count, lastSeenMs: now });
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The Event expired (TTL) or was deleted: start a fresh one.
      }
    }
    const namespace = m.namespace || "default";
    // client-go names events <object>.<unix nanos in hex>; the counter keeps same-millisecond names apart.
    const name = `${m.name}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    await this.client.create(coreRefs.event, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: m.name,
        namespace: m.namespace,
        uid: m.uid,
        resourceVersion: m.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component: this.opts.component, host: this.host },
      reportingComponent: this.opts.component,
      reportingInstance: this.host,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
    });
    this.remember(cacheKey, { name, namespace, count: 1, firstTimestamp: timestamp, lastSeenMs: now });
  }

  // Insertion-ordered Map as a small LRU.
  private remember(key: string, value: Recorded): void {
    this.cache.delete(key);
    this.cache.set(key, value);
    if (this.cache.size > maxCachedEvents) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
  }
}
