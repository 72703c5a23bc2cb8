// Abortable sleeps and jitter, shared by the informer, leader election and the manager.

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** `ms` stretched by up to `factor` (client-go's wait.Jitter). */
export function jitter(ms: number, factor: number): number {
  return ms + Math.random() * factor * ms;
}

/** Resolves with `promise`'s outcome, or with "timeout" after `ms`. Never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<"done" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => "done" as const,
        () => "done" as const,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
