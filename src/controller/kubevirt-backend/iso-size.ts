/** The size in bytes of the ISO at `url`, when its server tells; undefined otherwise. */
export type IsoSizeProbe = (url: string) => Promise<number | undefined>;

const cacheLimit = 1024;

/**
 * Asks the ISO's server (HEAD, following redirects) for its Content-Length, to size the ISO PVC before
 * the prepare Job downloads it. Answers (also "unknown") are remembered per URL.
 */
export function httpIsoSize(opts: { timeoutMs?: number } = {}): IsoSizeProbe {
  const known = new Map<string, number | undefined>();
  return async (url) => {
    if (known.has(url)) return known.get(url);
    const size = await headContentLength(url, opts.timeoutMs ?? 10_000);
    if (known.size >= cacheLimit) known.clear();
    known.set(url, size);
    return size;
  };
}

async function headContentLength(url: string, timeoutMs: number): Promise<number | undefined> {
  if (!/^https?:/.test(url)) return undefined;
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    const length = Number(response.headers.get("content-length") ?? "");
    return response.ok && Number.isSafeInteger(length) && length > 0 ? length : undefined;
  } catch {
    return undefined;
  }
}
