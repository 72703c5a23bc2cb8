// HTTP(S) plumbing to the apiserver: authentication from a kubeconfig (via
// @kubernetes/client-node's KubeConfig), a keep-alive agent, deadlines and aborts.

import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export type Query = Record<string, string | number | boolean | undefined>;

export interface TransportRequest {
  method: string;
  /** Absolute API path, e.g. /api/v1/namespaces/x/configmaps. */
  path: string;
  query?: Query;
  body?: string;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** The request did not finish within its deadline (classified as transient). */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  readonly code = "ERR_REQUEST_TIMEOUT";
}

export class KubeTransport {
  readonly server: string;
  private agent: http.Agent | undefined;
  private agentFingerprint = "";

  constructor(
    private readonly kc: KubeConfig,
    private readonly userAgent: string,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster)
      throw new Error("kubeconfig has no current cluster: check current-context or pass a context");
    this.server = cluster.server.replace(/\/+$/, "");
  }

  /** Sends the request; resolves once response headers arrive, leaving the body to the caller. */
  async open(req: TransportRequest): Promise<http.IncomingMessage> {
    if (req.signal?.aborted) throw abortReason(req.signal);
    const opts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    const url = new URL(this.server + req.path + queryString(req.query));
    const headers: http.OutgoingHttpHeaders = {
      ...(opts.headers as http.OutgoingHttpHeaders | undefined),
      "User-Agent": this.userAgent,
      Accept: req.accept ?? "application/json",
    };
    if (req.body !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(req.body);
    }
    const mod = url.protocol === "http:" ? http : https;
    const agent = this.agentFor(opts);
    const signal = req.signal;
    return new Promise((resolve, reject) => {
      const r = mod.request(url, { method: req.method, headers, agent, auth: opts.auth }, (res) => {
        res.once("close", () => signal?.removeEventListener("abort", onAbort));
        resolve(res);
      });
      const onAbort = () => r.destroy(signal ? abortReason(signal) : undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
      r.once("error", (err) => {
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? abortReason(signal) : err);
      });
      r.end(req.body);
    });
  }

  /** Sends the request and reads the whole body, failing after `timeoutMs` overall. */
  async request(req: TransportRequest, timeoutMs: number): Promise<TransportResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new RequestTimeoutError(`${req.method} ${req.path}: no answer within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    try {
      const res = await this.open({ ...req, signal });
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of res) chunks.push(chunk as Buffer);
      } catch (err) {
        throw signal.aborted ? abortReason(signal) : err;
      }
      if (signal.aborted) throw abortReason(signal);
      return {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  // KubeConfig builds a fresh agent per call (no keep-alive); reuse one as long
  // as the TLS material it was built from stays the same.
  private agentFor(opts: https.RequestOptions): http.Agent | undefined {
    if (this.kc.getCurrentCluster()?.proxyUrl) return opts.agent as http.Agent | undefined;
    const tls = {
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      pfx: opts.pfx,
      passphrase: opts.passphrase,
      servername: opts.servername,
      rejectUnauthorized: opts.rejectUnauthorized,
    };
    const fingerprint = createHash("sha256")
      .update(JSON.stringify(tls, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString("base64") : v)))
      .digest("hex");
    if (!this.agent || fingerprint !== this.agentFingerprint) {
      this.agent?.destroy();
      this.agent = this.server.startsWith("http:")
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({ keepAlive: true, ...withoutUndefined(tls) });
      this.agentFingerprint = fingerprint;
    }
    return this.agent;
  }
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`request aborted: ${String(reason)}`);
}
