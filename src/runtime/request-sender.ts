// One non-watch request to the apiserver, sent as client-go's rest.Request sends it: after a token
// from the client-side rate limiter, with a non-2xx answer turned into an ApiError, and, when the
// server asks for a retry (429 from API Priority and Fairness, or a 5xx carrying Retry-After), sent
// again after the wait it names, up to 10 times (client-go's checkWait and maxRetries). Each retry
// takes a token too. Watches bypass this: they are long-running and not rate limited.

import { ApiError, retryAfterMs } from "./api-error.js";
import type { KubeTransport, Query, TransportResponse } from "./kube-transport.js";
import { TokenBucket } from "./rate-limiter.js";
import { sleep } from "./timing.js";

/** Observes every finished request (for rest_client_* metrics). */
export type RequestObserver = (info: { method: string; status: number | "<error>"; seconds: number }) => void;

export interface SendOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
}

const maxRetries = 10;

export class RequestSender {
  observer: RequestObserver | undefined;

  constructor(
    readonly transport: KubeTransport,
    private readonly limiter: TokenBucket | undefined,
    private readonly timeoutMs: number,
  ) {}

  /** A sender sharing this one's connection, rate limiter and observer, with another deadline. */
  withTimeout(ms: number): RequestSender {
    const s = new RequestSender(this.transport, this.limiter, ms);
    s.observer = this.observer;
    return s;
  }

  /** A sender sharing this one's connection and observer, with a token bucket of its own (same limit). */
  withOwnRateLimit(): RequestSender {
    const limiter = this.limiter && new TokenBucket(this.limiter.limit);
    const s = new RequestSender(this.transport, limiter, this.timeoutMs);
    s.observer = this.observer;
    return s;
  }

  async send(method: string, path: string, opts: SendOptions = {}): Promise<TransportResponse> {
    for (let attempt = 1; ; attempt++) {
      await this.limiter?.take();
      try {
        return await this.sendOnce(method, path, opts);
      } catch (err) {
        const waitMs = retryWaitMs(err, attempt);
        if (waitMs === undefined) throw err;
        await sleep(waitMs);
      }
    }
  }

  observe(method: string, status: number | "<error>", started: number): void {
    this.observer?.({ method, status, seconds: (performance.now() - started) / 1000 });
  }

  private async sendOnce(method: string, path: string, opts: SendOptions): Promise<TransportResponse> {
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
}

/**
 * How long to wait before sending again, if at all: only when the server asked for it (429, or a
 * 5xx with Retry-After; at most 30 s) and attempt number `attempt` was not yet the 11th.
 */
export function retryWaitMs(err: unknown, attempt: number): number | undefined {
  if (!(err instanceof ApiError) || attempt > maxRetries) return undefined;
  if (err.status !== 429 && err.status < 500) return undefined;
  return retryAfterMs(err);
}
