// The only place that talks to the apiserver: JSON in, JSON out, typed errors.
// Paths are built from ResourceRefs, so subresources and every patch content
// type are one argument away (client-node 1.x's generated APIs make both awkward).

import os from "node:os";
import { ApiError } from "./api-error.js";
import { credentialsFor } from "./kube-credentials.js";
import { loadKubeAccess } from "./kubeconfig.js";
import { KubeTransport, type Query } from "./kube-transport.js";
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

/** Observes every finished request (for rest_client_* metrics). */
export type RequestObserver = (info: { method: string; status: number | "<error>"; seconds: number }) => void;

export class KubeClient {
  private observer: RequestObserver | undefined;

  private constructor(
    private readonly transport: KubeTransport,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Loads credentials like kubectl: `kubeconfig` if given, else $KUBECONFIG,
   * ~/.kube/config, or the in-cluster ServiceAccount.
   */
  static load(
    opts: { kubeconfig?: string; context?: string; userAgent?: string; timeoutMs?: number } = {},
  ): KubeClient {
    const access = loadKubeAccess({
      ...(opts.kubeconfig !== undefined && { kubeconfig: opts.kubeconfig }),
      ...(opts.context !== undefined && { context: opts.context }),
    });
    const userAgent =
      opts.userAgent ?? `rootfs-operator (${os.platform()}/${os.arch()}) node/${process.version}`;
    const transport = new KubeTransport(access.cluster.server, credentialsFor(access), userAgent);
    return new KubeClient(transport, opts.timeoutMs ?? 30_000);
  }

  /** The apiserver URL requests go to. */
  get server(): string {
    return this.transport.server;
  }

  /** A client sharing this one's connection whose requests give up after `ms`. */
  withTimeout(ms: number): KubeClient {
    const c = new KubeClient(this.transport, ms);
    c.observer = this.observer;
    return c;
  }

  observeRequests(observer: RequestObserver): void {
    this.observer = observer;
  }

  async get<T extends KubeObject>(
    ref: ResourceRef,
    name: string,
    namespace?: string,
  ): Promise<T | undefined> {
    try {
      return withTypeMeta(ref, await this.json<T>("GET", objectPath(ref, name, namespace)));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
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
      if (err instanceof ApiError && err.status === 404) return;
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
      this.observe("GET", "<error>", started);
      throw err;
    }
    this.observe("GET", res.statusCode ?? 0, started);
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
    const res = await this.send(method, path, { body, contentType, accept: "application/json, */*" });
    const type = res.headers["content-type"] ?? "";
    return type.includes("json") && res.body ? (JSON.parse(res.body) as unknown) : res.body;
  }

  /** Releases pooled connections (idle keep-alive sockets would hold the process open). */
  close(): void {
    this.transport.close();
  }

  private async json<T>(
    method: string,
    path: string,
    opts: { query?: Query; body?: unknown; contentType?: string } = {},
  ): Promise<T> {
    const res = await this.send(method, path, opts);
    return JSON.parse(res.body) as T;
  }

  private async send(
    method: string,
    path: string,
    opts: { query?: Query; body?: unknown; contentType?: string; accept?: string },
  ) {
    const started = performance.now();
    const req = {
      method,
      path,
      ...(opts.query && { query: opts.query }),
      ...(opts.body !== undefined && {
        body: typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
      }),
      ...(opts.contentType && { contentType: opts.contentType }),
      ...(opts.accept && { accept: opts.accept }),
    };
    let res;
    try {
      res = await this.transport.request(req, this.timeoutMs);
    } catch (err) {
      this.observe(method, "<error>", started);
      throw err;
    }
    this.observe(method, res.status, started);
    if (res.status >= 300) {
      const retryAfter = res.headers["retry-after"];
      throw ApiError.fromResponse(res.status, res.body, `${method} ${path}`, retryAfter);
    }
    return res;
  }

  private observe(method: string, status: number | "<error>", started: number): void {
    this.observer?.({ method, status, seconds: (performance.now() - started) / 1000 });
  }
}

// List items and some write bodies lack apiVersion/kind; callers (events, owner
// references) need them, and the ref knows them.
function withTypeMeta<T extends KubeObject>(ref: ResourceRef, obj: T): T {
  if (obj.apiVersion && obj.kind) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(ref), kind: obj.kind ?? ref.kind };
}
