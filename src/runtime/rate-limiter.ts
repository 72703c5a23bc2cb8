// The client-side limit on apiserver requests: a token bucket that holds `burst` tokens and refills
// at `qps` a second, as client-go's flowcontrol.NewTokenBucketRateLimiter (golang.org/x/time/rate).
// controller-runtime up to v0.20 defaulted to QPS 20 / burst 30, the values kube-controller-manager
// long used; since v0.21 it turns the limit off and relies on the apiserver's API Priority and
// Fairness. We keep 20/30 as the default: one operator should not be able to flood the apiserver
// with retries, and APF answers the rest with 429s that KubeClient waits out (Retry-After).

/** Time as the bucket sees it: real by default, fake in tests. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimit {
  /** Requests a second, sustained. */
  qps: number;
  /** Requests that may go at once after a quiet spell. */
  burst: number;
}

/** controller-runtime's former defaults (up to v0.20). */
export const defaultRateLimit: RateLimit = { qps: 20, burst: 30 };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly limit: RateLimit,
    private readonly clock: Clock = realClock,
  ) {
    if (!(limit.qps > 0) || !Number.isFinite(limit.qps)) {
      throw new Error(`rate limit: qps must be a positive number, not ${limit.qps}`);
    }
    if (!Number.isInteger(limit.burst) || limit.burst < 1) {
      throw new Error(`rate limit: burst must be a positive integer, not ${limit.burst}`);
    }
    this.tokens = limit.burst;
    this.updatedAt = clock.now();
  }

  /** Waits for a token; resolves with the milliseconds waited. Callers are served in call order. */
  async take(): Promise<number> {
    const waitMs = this.reserve();
    if (waitMs > 0) await this.clock.sleep(waitMs);
    return waitMs;
  }

  // Takes the next token now, letting the count go negative: a negative count is the queue of
  // callers already promised a token, and each new caller waits behind them.
  private reserve(): number {
    const now = this.clock.now();
    const refilled = ((now - this.updatedAt) * this.limit.qps) / 1000;
    this.tokens = Math.min(this.limit.burst, this.tokens + refilled) - 1;
    this.updatedAt = now;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.limit.qps;
  }
}
