import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ByteProgress, type ProgressListener } from "../../pipeline/progress.js";
import { hashFile } from "../files.js";

export interface DownloadOptions {
  maxRedirects: number;
  /** Abort when no byte arrives for this long. */
  stallTimeoutMs: number;
  onProgress?: ProgressListener;
}

/** An HTTP failure worth retrying with Range (connection cut, stall, 5xx) or not (4xx). */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Fetches a small text resource (a checksum file), following redirects. */
export async function fetchText(url: string, options: DownloadOptions): Promise<string> {
  const response = await request(url, {}, options);
  return response.text();
}

/**
 * Appends `url` to `partialPath`, resuming from its current size with a Range request, and returns
 * the sha256 of the whole file. A server that ignores Range makes it start over.
 */
export async function downloadResumable(
  url: string,
  partialPath: string,
  options: DownloadOptions,
): Promise<string> {
  const have = await stat(partialPath).then(
    (s) => s.size,
    () => 0,
  );
  const response = await request(url, have > 0 ? { range: `bytes=${have}-` } : {}, options);
  const resumed = response.status === 206;
  const hash = createHash("sha256");
  if (resumed) await hashFile(partialPath, hash);
  const total = contentLength(response, resumed ? have : 0);
  const progress = new ByteProgress("fetch", options.onProgress, total, resumed ? have : 0);
  const body = response.body;
  if (!body) throw new DownloadError(`${url} returned no body`, true);
  const stall = new StallTimer(options.stallTimeoutMs);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      stall.touch();
      hash.update(chunk);
      progress.add(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as WebReadableStream<Uint8Array>, { signal: stall.signal }),
      meter,
      createWriteStream(partialPath, { flags: resumed ? "a" : "w" }),
    );
  } catch (err) {
    const why = stall.signal.aborted ? `no data for ${options.stallTimeoutMs / 1000}s` : String(err);
    throw new DownloadError(`Download of ${url} was cut off (${why})`, true);
  } finally {
    stall.clear();
  }
  progress.finish();
  const size = (await stat(partialPath)).size;
  if (total !== undefined && size !== total) {
    throw new DownloadError(`Download of ${url} ended at ${size} of ${total} bytes`, true);
  }
  return hash.digest("hex");
}

async function request(
  url: string,
  headers: Record<string, string>,
  options: DownloadOptions,
): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= options.maxRedirects; hop++) {
    const response = await fetchWithTimeout(current, headers, options.stallTimeoutMs);
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      current = new URL(response.headers.get("location") ?? "", current).toString();
      await response.body?.cancel();
      continue;
    }
    if (response.status === 200 || response.status === 206) return response;
    await response.body?.cancel();
    const retryable = response.status >= 500 || response.status === 429;
    throw new DownloadError(`GET ${current} answered ${response.status} ${response.statusText}`, retryable);
  }
  throw new DownloadError(`GET ${url} redirected more than ${options.maxRedirects} times`, false);
}

/** Bounds the wait for response headers only; the body has its own stall timer. */
async function fetchWithTimeout(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no response in ${timeoutMs / 1000}s`)),
    timeoutMs,
  );
  try {
    return await fetch(url, { headers, redirect: "manual", signal: controller.signal });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new DownloadError(`GET ${url} failed: ${cause}`, true);
  } finally {
    clearTimeout(timer);
  }
}

function contentLength(response: Response, offset: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  if (range?.[1]) return Number(range[1]);
  const length = response.headers.get("content-length");
  return length === null ? undefined : offset + Number(length);
}

/** Aborts its signal when `touch()` has not been called for `timeoutMs`. */
class StallTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  readonly signal = this.controller.signal;

  constructor(timeoutMs: number) {
    this.timer = setTimeout(() => this.controller.abort(), timeoutMs);
  }

  touch(): void {
    this.timer.refresh();
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
