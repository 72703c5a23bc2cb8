// Per-key exponential backoff: client-go's ItemExponentialFailureRateLimiter,
// with controller-runtime's defaults (5 ms doubling up to 1000 s).

export class ItemBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1_000_000,
  ) {}

  /** Delay before the next retry of `key`, counting this call as one more failure. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // Exponent capped so 2 ** n stays finite for keys that fail forever.
    return Math.min(this.baseDelayMs * 2 ** Math.min(n, 62), this.maxDelayMs);
  }

  /** Failures recorded for `key` since the last forget(). */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}
