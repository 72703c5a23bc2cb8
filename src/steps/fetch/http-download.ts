import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ByteProgress, type ProgressListener } from "../../plan/progress.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { hashFile } from "../../lib/files.js";
import { DownloadError, requestChecked } from "./http-request.js";
import type { SourcePolicy } from "./source-policy.js";

export { DownloadError } from "./http-request.js";

export interface DownloadOptions {
  policy: SourcePolicy;
  maxRedirects: number;
  /** Abort when no byte arrives for this long (and bounds the wait for headers). */
  stallTimeoutMs: number;
  onProgress?: ProgressListener;
}

/** A checksum file is a few lines; anything bigger is not one. */
export const maxTextBytes = 1 << 20;

/**
 * Fetches a small text resource (a checksum file): at most `maxTextBytes`, all of it within
 * `deadlineMs`, so a server that drips or sends an endless body costs a bounded wait and memory.
 */
export async function fetchText(
  url: string,
  options: Omit<DownloadOptions, "onProgress"> & { deadlineMs: number },
): Promise<string> {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const headerTimeoutMs = Math.min(options.stallTimeoutMs, options.deadlineMs);
  try {
    const { response } = await requestChecked(url, { ...options, headerTimeoutMs, signal: deadline });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxTextBytes) {
        response.destroy();
        throw new DownloadError(`${url} is larger than ${maxTextBytes} bytes: not a checksum file`, false);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch (err) {
    if (!deadline.aborted || err instanceof StepFailure) throw err;
    throw new DownloadError(`${url} did not arrive whole within ${options.deadlineMs / 1000}s`, true);
  }
}

/**
 * Appends `url` to `partialPath`, resuming from its current size with a Range request guarded by
 * If-Range (the validator the first response gave), and returns the sha256 of the whole file. A
 * server that answers the whole file instead, or a range starting elsewhere, makes it start over.
 */
export async function downloadResumable(
  url: string,
  partialPath: string,
  options: DownloadOptions,
): Promise<string> {
  const validatorPath = `${partialPath}.validator`;
  const have = await stat(partialPath).then(
    (s) => s.size,
    () => 0,
  );
  const validator = have > 0 ? await readFile(validatorPath, "utf8").catch(() => undefined) : undefined;
  const headers: Record<string, string> =
    have > 0 && validator ? { range: `bytes=${have}-`, "if-range": validator } : {};
  const stall = new StallTimer(options.stallTimeoutMs);
  try {
    const { response } = await requestChecked(url, {
      ...options,
      headers,
      headerTimeoutMs: options.stallTimeoutMs,
      signal: stall.signal,
    });
    const resumed = response.statusCode === 206 && rangeStart(response) === have;
    if (response.statusCode === 206 && !resumed) {
      response.destroy();
      await rm(partialPath, { force: true });
      throw new DownloadError(`${url} answered a range other than the one asked for`, true);
    }
    const total = totalSize(response, resumed ? have : 0);
    if (total !== undefined && total > options.policy.maxSourceBytes) {
      response.destroy();
      throw tooLarge(url, total, options.policy);
    }
    if (!resumed) await recordValidator(validatorPath, strongValidator(response));
    return await receive(response, partialPath, {
      resumedAt: resumed ? have : 0,
      total,
      url,
      options,
      stall,
    });
  } finally {
    stall.clear();
  }
}

async function receive(
  response: IncomingMessage,
  partialPath: string,
  ctx: {
    resumedAt: number;
    total: number | undefined;
    url: string;
    options: DownloadOptions;
    stall: StallTimer;
  },
): Promise<string> {
  const { resumedAt, total, url, options, stall } = ctx;
  const hash = createHash("sha256");
  if (resumedAt > 0) await hashFile(partialPath, hash);
  const progress = new ByteProgress("fetch", options.onProgress, total, resumedAt);
  let size = resumedAt;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      stall.touch();
      size += chunk.length;
      if (size > options.policy.maxSourceBytes) return done(tooLarge(url, size, options.policy));
      hash.update(chunk);
      progress.add(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(response, meter, createWriteStream(partialPath, { flags: resumedAt > 0 ? "a" : "w" }), {
      signal: stall.signal,
    });
  } catch (err) {
    if (err instanceof StepFailure) {
      await rm(partialPath, { force: true });
      throw err;
    }
    const why = stall.signal.aborted ? `no data for ${options.stallTimeoutMs / 1000}s` : String(err);
    throw new DownloadError(`Download of ${url} was cut off (${why})`, true);
  }
  progress.finish();
  if (total !== undefined && size !== total) {
    throw new DownloadError(`Download of ${url} ended at ${size} of ${total} bytes`, true);
  }
  return hash.digest("hex");
}

function tooLarge(url: string, bytes: number, policy: SourcePolicy): StepFailure {
  return new StepFailure(
    "SourceTooLarge",
    `${url} is larger than the ${policy.maxSourceBytes} bytes this operator accepts (at least ${bytes}); ` +
      "check spec.source, or ask the platform admin to raise sources.maxISOSize",
  );
}

/** The first byte of a 206's Content-Range ("bytes 100-199/1000"). */
function rangeStart(response: IncomingMessage): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers["content-range"] ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function totalSize(response: IncomingMessage, offset: number): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers["content-range"] ?? "");
  if (range?.[1]) return Number(range[1]);
  const length = response.headers["content-length"];
  return length === undefined ? undefined : offset + Number(length);
}

/** Keeps what a later resume sends as If-Range; without one, a cut-off download starts over. */
async function recordValidator(file: string, validator: string | undefined): Promise<void> {
  if (validator) await writeFile(file, validator);
  else await rm(file, { force: true });
}

/** If-Range needs a strong validator: a strong ETag, else Last-Modified. */
function strongValidator(response: IncomingMessage): string | undefined {
  const etag = response.headers.etag;
  if (etag && !etag.startsWith("W/")) return etag;
  return response.headers["last-modified"];
}

/** Aborts its signal when `touch()` has not been called for `timeoutMs`. */
class StallTimer {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
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
