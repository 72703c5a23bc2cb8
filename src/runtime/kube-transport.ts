// HTTP(S) plumbing to the apiserver: credentials from a kubeconfig (kube-credentials.ts), one
// keep-alive agent, replaced only when the TLS material changes, deadlines and aborts.
//
// Instead of client-node's KubeConfig.applyToHTTPSOptions / applyToFetchOptions. In 1.4.0 each call
// builds a new https.Agent (createAgent), without keepAlive, so no connection is reused and every
// watch reconnect leaves an agent and its socket behind (kubernetes-client/javascript#2893). #2904,
// in 2.0.0, caches one agent per cluster and user name, so a rotated client certificate (exec
// plugin) would keep the old one. Keyed by the TLS material instead, and with KubeConfig loadable
// without the generated API (kubeconfig.ts), requests could take agent and headers from it again.

import { createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { Credentials, TlsMaterial } from "./kube-credentials.js";

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

/** The request did not finish within its deadline. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

export class KubeTransport {
  readonly server: string;
  private agent: http.Agent | undefined;
  private agentFingerprint = "";

  constructor(
    server: string,
    private readonly credentials: Credentials,
    private readonly userAgent: string,
  ) {
    this.server = server.replace(/\/+$/, "");
  }

  /** Sends the request; resolves once response headers arrive, leaving the body to the caller. */
  async open(req: TransportRequest): Promise<http.IncomingMessage> {
    if (req.signal?.aborted) throw abortReason(req.signal);
    const auth = await this.credentials.requestAuth();
    const url = new URL(this.server + req.path + queryString(req.query));
    const headers: http.OutgoingHttpHeaders = {
      ...auth.headers,
      "User-Agent": this.userAgent,
      Accept: req.accept ?? "application/json",
    };
    if (req.body !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/json";
      headers["Content-Length"] = Buffer.byteLength(req.body);
    }
    const mod = url.protocol === "http:" ? http : https;
    const agent = auth.agent ?? this.agentFor(auth.tls);
    const signal = req.signal;
    return new Promise((resolve, reject) => {
      const r = mod.request(url, { method: req.method, headers, agent }, (res) => {
        res.once("close", () => signal?.removeEventListener("abort", onAbort));
        // Rejected credentials: the next request fetches fresh ones (exec plugin, token file).
        if (res.statusCode === 401) this.credentials.invalidate();
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

  // One keep-alive agent, replaced when the TLS material changes (rotated certificates).
  private agentFor(tls: TlsMaterial): http.Agent {
    const fingerprint = createHash("sha256")
      .update(JSON.stringify(tls, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString("base64") : v)))
      .digest("hex");
    if (!this.agent || fingerprint !== this.agentFingerprint) {
      this.agent?.destroy();
      this.agent = this.server.startsWith("http:")
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({ keepAlive: true, ...tls });
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

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`request aborted: ${String(reason)}`);
}
