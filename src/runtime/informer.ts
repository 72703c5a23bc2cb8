// A local, always-current copy of one kind of object (client-go's Reflector + Indexer, minus the
// indexes): paginated list, watch from its resourceVersion, relist on 410, and retry every other
// failure with backoff for as long as the process runs. Several namespaces feed one cache, one list
// and watch each, as controller-runtime's multi-namespace cache.
//
// Instead of client-node's makeInformer/ListWatch. In 1.4.0 it relists on 410 too, but any other
// failure (a failed list, a refused or dropped watch) fires 'error' and the ListWatch stops until
// the caller start()s it again (kubernetes-client/javascript#447); a watch that ends is reopened at
// once, without backoff (#1933 saw tens a second); and its list is one call to the caller's listFn,
// paging left to each caller (#586). #3034, merged after 2.0.0, retries network, 408, 429 and 5xx
// failures: once a release has it and #3022 (watch-stream.ts), and client-node loads without its
// start-up cost (kubeconfig.ts), this could become a ListWatch over a paging listFn.

import { ApiError, isGone, isGoneStatus } from "./api-error.js";
import type { KubeClient } from "./kube-client.js";
import { silentLogger, type Logger } from "./logger.js";
import { objectKey } from "./object-key.js";
import type { KubeObject, ResourceRef } from "./kube-object.js";
import { jitter, sleep } from "./timing.js";
import type { WatchEvent } from "./watch-stream.js";

export { objectKey, splitKey } from "./object-key.js";

/** What the informer needs from a client (a fake one works in unit tests). */
export type ListerWatcher = Pick<KubeClient, "list" | "watch">;

export interface InformerOptions {
  /** One namespace; or `namespaces`, several; neither means every namespace. */
  namespace?: string;
  namespaces?: string[];
  labelSelector?: string;
  fieldSelector?: string;
  log?: Logger;
  /** Items per list page (default 500). */
  pageSize?: number;
}

/** Called for every change; `deleted` is true when the object left the cache. */
// Declared with method syntax so its parameter is bivariant: an Informer<Job> then fits where an
// Informer<KubeObject> is expected (a Watch[] list), which a plain function type would forbid.
export type ChangeHandler<T> = { handle(obj: T, key: string, deleted: boolean): void }["handle"];

const minBackoffMs = 800;
const maxBackoffMs = 30_000;

export class Informer<T extends KubeObject = KubeObject> {
  private readonly store = new Map<string, T>();
  private readonly handlers: ChangeHandler<T>[] = [];
  private readonly log: Logger;
  private synced = false;
  private readonly syncedPromise: Promise<void>;
  private resolveSynced!: () => void;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: ListerWatcher,
    readonly ref: ResourceRef,
    private readonly opts: InformerOptions = {},
  ) {
    this.log = (opts.log ?? silentLogger()).child({ informer: this.description });
    this.syncedPromise = new Promise((resolve) => (this.resolveSynced = resolve));
  }

  /** e.g. "configmaps in default", "widgets.test.rootfs.dev" */
  get description(): string {
    const resource = this.ref.group ? `${this.ref.plural}.${this.ref.group}` : this.ref.plural;
    const scopes = this.scopes().filter((s): s is string => s !== undefined);
    return scopes.length > 0 ? `${resource} in ${scopes.join(",")}` : resource;
  }

  /** The namespaces listed and watched separately; [undefined] for all at once. */
  private scopes(): (string | undefined)[] {
    if (this.opts.namespaces?.length) return this.opts.namespaces;
    return [this.opts.namespace];
  }

  onChange(handler: ChangeHandler<T>): void {
    this.handlers.push(handler);
  }

  /** Runs until `signal` aborts; see stopped(). */
  start(signal: AbortSignal): void {
    if (this.running) throw new Error(`informer for ${this.description} already started`);
    const scopes = this.scopes();
    let unsynced = scopes.length;
    const synced = () => {
      if (--unsynced === 0) this.markSynced();
    };
    this.running = Promise.all(scopes.map((ns) => this.run(ns, signal, synced))).then(() => undefined);
  }

  /** Resolves once the informer started by start() has wound down. */
  stopped(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves after the first complete list; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced || !signal) return this.syncedPromise;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(new Error(`stopped before ${this.description} synced`));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void this.syncedPromise.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** The cached object (shared with every other reader: clone before changing it). */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return [...this.store.values()];
  }

  private async run(namespace: string | undefined, signal: AbortSignal, onSynced: () => void): Promise<void> {
    let resourceVersion: string | undefined;
    let failures = 0;
    let goneStreak = 0;
    let synced = false;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.relist(namespace, signal);
          if (signal.aborted) break;
          if (!synced) onSynced();
          synced = true;
        }
        const watched = await this.watchFrom(namespace, resourceVersion, signal);
        resourceVersion = watched.resourceVersion;
        if (watched.error) throw watched.error;
        // An immediately closed, empty watch would otherwise spin.
        if (!signal.aborted && watched.events === 0 && watched.ms < 1000) {
          throw new Error("watch closed immediately without events");
        }
        failures = 0;
        goneStreak = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.log.info({ resourceVersion }, "Watch expired; started a relist");
          resourceVersion = undefined;
          // Two in a row means a fresh list's version is already gone: back off instead of spinning.
          if (++goneStreak < 2) continue;
        }
        failures++;
        const delay = jitter(Math.min(minBackoffMs * 2 ** (failures - 1), maxBackoffMs), 0.2);
        this.log.warn({ err, retryInMs: Math.round(delay) }, "Watch failed; scheduled a retry");
        await sleep(delay, signal);
      }
    }
  }

  private async relist(namespace: string | undefined, signal: AbortSignal): Promise<string> {
    const items: T[] = [];
    let resourceVersion = "";
    let cont: string | undefined;
    do {
      const page = await this.client.list<T>(this.ref, {
        ...this.selectors(namespace),
        limit: this.opts.pageSize ?? 500,
        ...(cont !== undefined && { continue: cont }),
      });
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      cont = page.continue;
    } while (cont && !signal.aborted);
    if (!signal.aborted) this.replace(namespace, items);
    this.log.debug({ items: items.length, resourceVersion }, "Listed objects");
    return resourceVersion;
  }

  // Swaps in a fresh list of `namespace` (all when undefined), reporting what changed since the cache
  // was last current there.
  private replace(namespace: string | undefined, items: T[]): void {
    const fresh = new Map(items.map((item) => [objectKey(item), item]));
    for (const [key, old] of this.store) {
      if (namespace !== undefined && old.metadata.namespace !== namespace) continue;
      if (!fresh.has(key)) {
        this.store.delete(key);
        this.emit(old, key, true);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.store.get(key);
      this.store.set(key, obj);
      if (old?.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit(obj, key, false);
    }
  }

  private async watchFrom(
    namespace: string | undefined,
    resourceVersion: string,
    signal: AbortSignal,
  ): Promise<{ resourceVersion: string; events: number; ms: number; error?: Error }> {
    const stop = new AbortController();
    const started = Date.now();
    let latest = resourceVersion;
    let events = 0;
    let error: Error | undefined;
    const onEvent = (e: WatchEvent) => {
      if (e.type === "ERROR") {
        const s = e.object;
        error = isGoneStatus(s)
          ? new ApiError(`watch ${this.description}: ${s.message ?? "expired"}`, {
              status: 410,
              reason: "Expired",
            })
          : new ApiError(`watch ${this.description}: ${s.message ?? "error event"}`, {
              status: s.code ?? 500,
              ...(s.reason !== undefined && { reason: s.reason }),
            });
        stop.abort();
        return;
      }
      events++;
      const obj = e.object as T;
      if (obj.metadata?.resourceVersion) latest = obj.metadata.resourceVersion;
      if (e.type === "BOOKMARK") return;
      const key = objectKey(obj);
      if (e.type === "DELETED") {
        this.store.delete(key);
        this.emit(obj, key, true);
      } else {
        this.store.set(key, obj);
        this.emit(obj, key, false);
      }
    };
    await this.client.watch(
      this.ref,
      {
        ...this.selectors(namespace),
        resourceVersion,
        allowWatchBookmarks: true,
        // Spread reconnects out like client-go (5–10 min).
        timeoutSeconds: Math.floor(jitter(300, 1)),
        signal: AbortSignal.any([signal, stop.signal]),
      },
      onEvent,
    );
    return { resourceVersion: latest, events, ms: Date.now() - started, ...(error && { error }) };
  }

  private selectors(namespace: string | undefined) {
    return {
      ...(namespace !== undefined && { namespace }),
      ...(this.opts.labelSelector !== undefined && { labelSelector: this.opts.labelSelector }),
      ...(this.opts.fieldSelector !== undefined && { fieldSelector: this.opts.fieldSelector }),
    };
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    this.resolveSynced();
    this.log.debug("Informer synced");
  }

  private emit(obj: T, key: string, deleted: boolean): void {
    for (const handler of this.handlers) {
      try {
        handler(obj, key, deleted);
      } catch (err) {
        this.log.error({ err, key }, "Change handler failed");
      }
    }
  }
}
