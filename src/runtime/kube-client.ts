// The only place that talks to the apiserver: JSON in, JSON out, typed errors, any kind by its
// ResourceRef, so subresources and every patch content type are one argument away.
//
// Instead of client-node's KubernetesObjectApi. In 1.4.0 (and 2.0.0) it derives the path from the
// object it is given, with no subresource, so /status can be neither read, replaced nor patched
// through it; and patch() sends that object as the body, so a JSON-patch operation list (our `test`
// preconditions) cannot be sent at all. It also GETs discovery for each apiVersion before its first
// request. The generated typed APIs have /status, but one method per kind and version, and loading
// them is the start-up cost kubeconfig.ts describes. A KubernetesObjectApi taking a subresource and
// a raw patch body, from a light entry point, would let this go.

import os from "node:os";
import { ApiError, isNotFound } from "./api-error.js";
import { credentialsFor } from "./kube-credentials.js";
import { loadKubeAccess } from "./kubeconfig.js";
import { KubeTransport, type Query } from "./kube-transport.js";
import { TokenBucket, defaultRateLimit, type RateLimit } from "./rate-limiter.js";
import { RequestSender, type RequestObserver, type SendOptions } from "./request-sender.js";
import {
  apiVersionOf,
  collectionPath,
  objectPath,
  type KubeObject,
  type ResourceRef,
} from "./kube-object.js";
import { watchStream, type WatchEvent } from "./watch-stream.js";

export * from "./api-error.js";
export * from "./kube-object.js";
export type { RateLimit } from "./rate-limiter.js";
export type { RequestObserver } from "./request-sender.js";
export type { WatchEvent, WatchEventType } from "./watch-stream.js";

export type PatchType = "merge" | "json" | "strategic" | "apply";

const patchContentTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
  continue?: string;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal: AbortSignal;
}

export interface DeleteOptions {
  propagationPolicy?: "Foreground" | "Background" | "Orphan";
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
}

export interface LoadOptions {
  kubeconfig?: string;
  context?: string;
  userAgent?: string;
  timeoutMs?: number;
  /** Client-side limit on requests other than watches; default QPS 20, burst 30; false for none. */
  rateLimit?: RateLimit | false;
}

export class KubeClient {
  private constructor(private readonly sender: RequestSender) {}

  /**
   * Loads credentials like kubectl: `kubeconfig` if given, else $KUBECONFIG,
   * ~/.kube/config, or the in-cluster ServiceAccount.
   */
  static load(opts: LoadOptions = {}): KubeClient {
    const access = loadKubeAccess({
      ...(opts.kubeconfig !== undefined && { kubeconfig: opts.kubeconfig }),
      ...(opts.context !== undefined && { context: opts.context }),
    });
    const userAgent =
      opts.userAgent ?? `rootfs-operator (${os.platform()}/${os.arch()}) node/${process.version}`;
    const transport = new KubeTransport(access.cluster.server, credentialsFor(access), userAgent);
    const rateLimit = opts.rateLimit ?? defaultRateLimit;
    const limiter = rateLimit === false ? undefined : new TokenBucket(rateLimit);
    return new KubeClient(new RequestSender(transport, limiter, opts.timeoutMs ?? 30_000));
  }

  /** The apiserver URL requests go to. */
  get server(): string {
    return this.transport.server;
  }

  private get transport(): KubeTransport {
    return this.sender.transport;
  }

  /** A client sharing this one's connection and rate limit whose requests give up after `ms`. */
  withTimeout(ms: number): KubeClient {
    return new KubeClient(this.sender.withTimeout(ms));
  }

  /**
   * A client sharing this one's connection with a token bucket of its own (same QPS and burst), for
   * traffic that must not queue behind the rest: controller-runtime gives leader election its own clients.
   */
  withOwnRateLimit(): KubeClient {
    return new KubeClient(this.sender.withOwnRateLimit());
  }

  observeRequests(observer: RequestObserver): void {
    this.sender.observer = observer;
  }

  /** The object; an ApiError with status 404 (isNotFound) when there is none. */
  async get<T extends KubeObject>(ref: ResourceRef, name: string, namespace?: string): Promise<T> {
    return withTypeMeta(ref, await this.json<T>("GET", objectPath(ref, name, namespace)));
  }

  /** The object, or undefined when there is none: for callers to whom absence is a normal answer. */
  async getOrUndefined<T extends KubeObject>(
    ref: ResourceRef,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, name, namespace);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** One page of a list (pass `continue` for the next one). Items get apiVersion/kind filled in. */
  async list<T extends KubeObject>(ref: ResourceRef, opts: ListOptions = {}): Promise<ListResult<T>> {
    const query: Query = {
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      limit: opts.limit,
      continue: opts.continue,
    };
    const list = await this.json<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>(
      "GET",
      collectionPath(ref, opts.namespace),
      { query },
    );
    const result: ListResult<T> = {
      items: (list.items ?? []).map((item) => withTypeMeta(ref, item)),
      resourceVersion: list.metadata?.resourceVersion ?? "",
    };
    if (list.metadata?.continue) result.continue = list.metadata.continue;
    return result;
  }

  async create<T extends KubeObject>(
    ref: ResourceRef,
    obj: T,
    opts: { fieldManager?: string; dryRun?: boolean } = {},
  ): Promise<T> {
    if (ref.namespaced && !obj.metadata.namespace) {
      throw new Error(`${ref.kind} ${obj.metadata.name}: metadata.namespace is required to create it`);
    }
    const body = withTypeMeta(ref, obj);
    return this.json<T>("POST", collectionPath(ref, obj.metadata.namespace), {
      body,
      query: { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? "All" : undefined },
    });
  }

  /** PUT: metadata.resourceVersion, when set, is the optimistic-concurrency precondition (409 on mismatch). */
  async replace<T extends KubeObject>(
    ref: ResourceRef,
    obj: T,
    opts: { subresource?: "status"; fieldManager?: string } = {},
  ): Promise<T> {
    const path = objectPath(ref, obj.metadata.name, obj.metadata.namespace, opts.subresource);
    return this.json<T>("PUT", path, {
      body: withTypeMeta(ref, obj),
      query: { fieldManager: opts.fieldManager },
    });
  }

  async patch<T extends KubeObject>(
    ref: ResourceRef,
    name: string,
    namespace: string | undefined,
    body: unknown,
    type: PatchType,
    opts: { subresource?: "status"; fieldManager?: string; force?: boolean } = {},
  ): Promise<T> {
    if (type === "apply" && !opts.fieldManager) throw new Error("server-side apply needs opts.fieldManager");
    return this.json<T>("PATCH", objectPath(ref, name, namespace, opts.subresource), {
      body,
      contentType: patchContentTypes[type],
      query: { fieldManager: opts.fieldManager, force: opts.force },
    });
  }

  /** Deletes; an object that is already gone is not an error. */
  async delete(ref: ResourceRef, name: string, namespace?: string, opts: DeleteOptions = {}): Promise<void> {
    const body = { apiVersion: "v1", kind: "DeleteOptions", ...opts };
    try {
      await this.json("DELETE", objectPath(ref, name, namespace), { body });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  /**
   * Streams watch events to `onEvent` until the server closes the stream or
   * `signal` aborts (both resolve). ERROR events (e.g. 410 Expired) are passed on.
   */
  async watch(ref: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void): Promise<void> {
    const query: Query = {
      watch: "true",
      resourceVersion: opts.resourceVersion,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      allowWatchBookmarks: opts.allowWatchBookmarks,
      timeoutSeconds: opts.timeoutSeconds,
    };
    const path = collectionPath(ref, opts.namespace);
    const started = performance.now();
    let res;
    try {
      res = await this.transport.open({ method: "GET", path, query, signal: opts.signal });
    } catch (err) {
      if (opts.signal.aborted) return;
      this.sender.observe("GET", "<error>", started);
      throw err;
    }
    this.sender.observe("GET", res.statusCode ?? 0, started);
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw ApiError.fromResponse(
        res.statusCode ?? 0,
        Buffer.concat(chunks).toString("utf8"),
        `watch ${path}`,
      );
    }
    // A silent connection can be half-dead; the server itself closes after timeoutSeconds.
    const idleMs = opts.timeoutSeconds ? (opts.timeoutSeconds + 30) * 1000 : undefined;
    await watchStream(res, onEvent, { signal: opts.signal, idleMs });
  }

  /** Any other endpoint (e.g. /version, /metrics, pod logs): parsed JSON, or text for non-JSON answers. */
  async raw(method: string, path: string, body?: unknown, contentType?: string): Promise<unknown> {
    const res = await this.sender.send(method, path, { body, contentType, accept: "application/json, */*" });
    const type = res.headers["content-type"] ?? "";
    return type.includes("json") && res.body ? (JSON.parse(res.body) as unknown) : res.body;
  }

  /** Releases pooled connections (idle keep-alive sockets would hold the process open). */
  close(): void {
    this.transport.close();
  }

  private async json<T>(method: string, path: string, opts: SendOptions = {}): Promise<T> {
    const res = await this.sender.send(method, path, opts);
    return JSON.parse(res.body) as T;
  }
}

// List items and some write bodies lack apiVersion/kind; callers (events, owner
// references) need them, and the ref knows them.
function withTypeMeta<T extends KubeObject>(ref: ResourceRef, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(ref), kind: obj.kind ?? ref.kind };
}
