/**
 * Polls `read` until `ready` holds for its result, and returns that result; fails with the last value
 * seen when `timeoutMs` passes, so the assertion message shows where things got stuck.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  ready: (value: T) => boolean,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ready(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting; last value:\n${JSON.stringify(last, null, 2).slice(0, 4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 200));
  }
}
