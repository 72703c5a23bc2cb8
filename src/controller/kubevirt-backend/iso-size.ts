import { requestChecked } from "../../steps/fetch/http-request.js";
import type { SourcePolicy } from "../../steps/fetch/source-policy.js";

/** The size in bytes of the ISO at `url`, when its server tells; undefined otherwise. */
export type IsoSizeProbe = (url: string) => Promise<number | undefined>;

const cacheLimit = 1024;

/**
 * Asks the ISO's server (HEAD, following redirects the policy allows) for its Content-Length, to size
 * the ISO PVC before the prepare Job downloads it. Answers (also "unknown") are remembered per URL.
 */
export function httpIsoSize(policy: SourcePolicy, opts: { timeoutMs?: number } = {}): IsoSizeProbe {
  const known = new Map<string, number | undefined>();
  return async (url) => {
    if (known.has(url)) return known.get(url);
    const size = await headContentLength(url, policy, opts.timeoutMs ?? 10_000);
    if (known.size >= cacheLimit) known.clear();
    known.set(url, size);
    return size;
  };
}

async function headContentLength(
  url: string,
  policy: SourcePolicy,
  timeoutMs: number,
): Promise<number | undefined> {
  if (!/^https?:/.test(url)) return undefined;
  try {
    const { response } = await requestChecked(url, {
      method: "HEAD",
      policy,
      maxRedirects: 5,
      headerTimeoutMs: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    response.destroy();
    const length = Number(response.headers["content-length"] ?? "");
    return Number.isSafeInteger(length) && length > 0 ? length : undefined;
  } catch {
    return undefined;
  }
}
