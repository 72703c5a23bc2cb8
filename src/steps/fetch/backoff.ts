/** Exponential backoff with ±20 % jitter: `baseMs`, then twice that, … capped at 30 s. */
export function backoffMs(attempt: number, baseMs: number, random = Math.random): number {
  const exact = Math.min(baseMs * 2 ** attempt, 30_000);
  return Math.round(exact * (0.8 + 0.4 * random()));
}
