// The operator's HTTP endpoints: /healthz (alive), /readyz (every readiness
// check passes), /metrics (Prometheus text). Output mimics the apiserver's
// health endpoints: "ok", or one "[+]name ok" / "[-]name failed: why" line per check.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "./logger.js";
import { silentLogger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";

/** Returns true when healthy, or false / a reason string when not. */
export type Check = () => boolean | string;

export interface HealthServerOptions {
  /** "host:port", ":port" (all interfaces) or "[::1]:port"; port 0 picks a free one. */
  address: string;
  metrics: RuntimeMetrics;
  log?: Logger;
}

export function parseListenAddress(address: string): { host?: string; port: number } {
  const colon = address.lastIndexOf(":");
  const hostPart = colon >= 0 ? address.slice(0, colon) : "";
  const portPart = colon >= 0 ? address.slice(colon + 1) : address;
  const port = Number(portPart);
  if (!/^\d+$/.test(portPart) || port > 65535) {
    throw new Error(`listen address "${address}" has no valid port: use host:port, :port or [::1]:port`);
  }
  const host = hostPart.replace(/^\[(.*)\]$/, "$1");
  return host ? { host, port } : { port };
}

export class HealthServer {
  private readonly server: http.Server;
  private readonly readyChecks = new Map<string, Check>();
  private readonly healthChecks = new Map<string, Check>();
  private readonly log: Logger;

  constructor(private readonly opts: HealthServerOptions) {
    this.log = opts.log ?? silentLogger();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err, path: req.url }, "Health endpoint failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  }

  addReadyCheck(name: string, check: Check): void {
    this.readyChecks.set(name, check);
  }

  addHealthCheck(name: string, check: Check): void {
    this.healthChecks.set(name, check);
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  async start(): Promise<number> {
    const { host, port } = parseListenAddress(this.opts.address);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const bound = this.port() ?? 0;
    this.log.info({ address: this.opts.address, port: bound }, "Started serving health probes and metrics");
    return bound;
  }

  /** The bound port; undefined until listening. */
  port(): number | undefined {
    return (this.server.address() as AddressInfo | null)?.port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    switch (url.pathname) {
      case "/healthz":
      case "/livez":
        return this.respondChecks(res, this.healthChecks, url.searchParams.has("verbose"));
      case "/readyz":
        return this.respondChecks(res, this.readyChecks, url.searchParams.has("verbose"));
      case "/metrics": {
        const body = await this.opts.metrics.registry.metrics();
        res.writeHead(200, { "Content-Type": this.opts.metrics.registry.contentType }).end(body);
        return;
      }
      default:
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
    }
  }

  private respondChecks(res: http.ServerResponse, checks: Map<string, Check>, verbose: boolean): void {
    const lines: string[] = [];
    let ok = true;
    for (const [name, check] of checks) {
      let outcome: boolean | string;
      try {
        outcome = check();
      } catch (err) {
        outcome = (err as Error).message;
      }
      if (outcome === true) {
        lines.push(`[+]${name} ok`);
      } else {
        ok = false;
        lines.push(`[-]${name} failed: ${outcome === false ? "not ready" : outcome}`);
      }
    }
    const body = ok && !verbose ? "ok\n" : `${lines.join("\n")}\n${ok ? "ok" : "check failed"}\n`;
    res.writeHead(ok ? 200 : 503, { "Content-Type": "text/plain; charset=utf-8" }).end(body);
  }
}
