import { createHash } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ByteProgress, type ProgressListener } from "../../plan/progress.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { errorText, exists, hashFile } from "../../lib/files.js";
import { backoffMs } from "./backoff.js";
import { digestFromChecksumFile } from "./checksum-file.js";
import { DownloadError, downloadResumable, fetchText, type DownloadOptions } from "./http-download.js";
import { checkUrl, sourceNotAllowed, trustingPolicy, type SourcePolicy } from "./source-policy.js";

export { checkUrl, trustingPolicy, type SourcePolicy } from "./source-policy.js";

export interface FetchRequest {
  url: string;
  /** "sha256:<hex>" */
  checksum?: string;
  checksumURL?: string;
  insecureSkipChecksum?: boolean;
  cacheDir: string;
  /** What the source may be and where the download may go; default: everything (the CLI's). */
  policy?: SourcePolicy;
  onProgress?: ProgressListener;
  stallTimeoutMs?: number;
  maxRedirects?: number;
  /** Resumed attempts after a cut-off download before giving up. */
  retries?: number;
  /** Before the first retry; each further one waits twice as long (default 1 s). */
  retryDelayMs?: number;
}

export interface FetchedFile {
  path: string;
  sha256: string;
  size: number;
  /** True when the verified file was already in the cache and nothing was downloaded. */
  cached: boolean;
}

/**
 * Resolves the expected digest, then returns a verified local copy of `url`: from the cache when the
 * digest is there, otherwise downloaded (resuming cut-off transfers) to a partial file that is renamed
 * into `<cacheDir>/sha256/<hex>` only after its digest matched. file:// URLs are verified in place.
 */
export async function fetchVerified(req: FetchRequest): Promise<FetchedFile> {
  const options: DownloadOptions = {
    policy: req.policy ?? trustingPolicy,
    maxRedirects: req.maxRedirects ?? 5,
    stallTimeoutMs: req.stallTimeoutMs ?? 60_000,
    onProgress: req.onProgress,
  };
  const expected = await expectedDigest(req, options);
  checkUrl(new URL(req.url), options.policy);
  if (req.url.startsWith("file://")) return verifyLocal(fileURLToPath(req.url), expected, req.onProgress);

  const cached = expected && path.join(req.cacheDir, "sha256", expected);
  if (cached && (await exists(cached))) {
    return { path: cached, sha256: expected, size: (await stat(cached)).size, cached: true };
  }
  await mkdir(path.join(req.cacheDir, "sha256"), { recursive: true });
  await mkdir(path.join(req.cacheDir, "partial"), { recursive: true });
  const partial = path.join(req.cacheDir, "partial", expected ?? sha256Of(req.url));
  const actual = await downloadWithRetries(req.url, partial, options, {
    retries: req.retries ?? 3,
    delayMs: req.retryDelayMs ?? 1000,
  });
  if (expected && actual !== expected) {
    await removePartial(partial);
    throw new StepFailure(
      "ChecksumMismatch",
      `ISO checksum mismatch for ${req.url}: expected sha256:${expected}, got sha256:${actual}; check spec.source.iso.checksum (or the checksum file) and the URL`,
    );
  }
  const target = path.join(req.cacheDir, "sha256", actual);
  await rename(partial, target);
  await removePartial(partial);
  return { path: target, sha256: actual, size: (await stat(target)).size, cached: false };
}

/** How long a checksum file may take to arrive, whole. */
export const checksumDeadlineMs = 30_000;

/**
 * Reads small documents (the directory listings an official source is found in) as checksum files are
 * read: under `policy`, at most a MiB, whole within the checksum deadline.
 */
export function textReader(policy: SourcePolicy): (url: string) => Promise<string> {
  return (url) =>
    fetchText(url, { policy, maxRedirects: 5, stallTimeoutMs: 30_000, deadlineMs: checksumDeadlineMs });
}

/**
 * The sha256 the source must have: the literal digest, or the one its checksum file lists. Undefined
 * only with insecureSkipChecksum.
 */
export async function expectedDigest(
  req: Pick<FetchRequest, "url" | "checksum" | "checksumURL" | "insecureSkipChecksum">,
  options: Pick<DownloadOptions, "maxRedirects" | "stallTimeoutMs" | "policy"> = {
    policy: trustingPolicy,
    maxRedirects: 5,
    stallTimeoutMs: 60_000,
  },
): Promise<string | undefined> {
  if (req.checksum) return req.checksum.replace(/^sha256:/, "");
  if (req.checksumURL) {
    const deadlineMs = Math.min(checksumDeadlineMs, options.stallTimeoutMs);
    const text = await fetchText(req.checksumURL, { ...options, deadlineMs }).catch((err: unknown) => {
      if (err instanceof StepFailure) throw err;
      throw new StepFailure(
        "DownloadFailed",
        `Cannot download the checksum file ${req.checksumURL}: ${errorText(err)}; check spec.source.iso.checksumURL`,
      );
    });
    const fileName = path.basename(new URL(req.url).pathname);
    try {
      return digestFromChecksumFile(text, fileName);
    } catch (err) {
      throw new StepFailure(
        "DownloadFailed",
        `The checksum file ${req.checksumURL} is unusable: ${errorText(err)}; point spec.source.iso.checksumURL at the file that lists ${fileName}`,
      );
    }
  }
  if (req.insecureSkipChecksum) {
    if (options.policy.allowInsecureSkipChecksum) return undefined;
    throw sourceNotAllowed(
      "insecureSkipChecksum is not allowed",
      "set spec.source.iso.checksum or checksumURL, or ask the platform admin to allow it (sources.allowInsecureSkipChecksum)",
    );
  }
  throw new StepFailure("InvalidSpec", "No checksum given: set spec.source.iso.checksum or checksumURL");
}

async function downloadWithRetries(
  url: string,
  partial: string,
  options: DownloadOptions,
  retry: { retries: number; delayMs: number },
): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadResumable(url, partial, options);
    } catch (err) {
      const retryable = err instanceof DownloadError && err.retryable;
      if (retryable && attempt < retry.retries) {
        const wait = backoffMs(attempt, retry.delayMs);
        const text = `${errorText(err)}; resuming in ${(wait / 1000).toFixed(1)}s`;
        options.onProgress?.({ step: "fetch", kind: "message", text });
        await sleep(wait);
        continue;
      }
      // A 4xx (or a refused source) means the partial file can never be completed from this URL.
      if (!retryable) await removePartial(partial);
      if (err instanceof StepFailure) throw err;
      throw new StepFailure("DownloadFailed", `${errorText(err)}; check spec.source.iso.url`, { cause: err });
    }
  }
}

async function verifyLocal(
  file: string,
  expected: string | undefined,
  onProgress?: ProgressListener,
): Promise<FetchedFile> {
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new StepFailure("DownloadFailed", `${file} does not exist; check spec.source.iso.url`);
    },
  );
  const hash = createHash("sha256");
  const progress = new ByteProgress("fetch", onProgress, size);
  await hashFile(file, hash, (n) => progress.add(n));
  progress.finish();
  const actual = hash.digest("hex");
  if (expected && actual !== expected) {
    throw new StepFailure(
      "ChecksumMismatch",
      `ISO checksum mismatch for ${file}: expected sha256:${expected}, got sha256:${actual}; check spec.source.iso.checksum`,
    );
  }
  return { path: file, sha256: actual, size, cached: false };
}

/** A partial download and the validator (ETag or Last-Modified) its resume sends as If-Range. */
async function removePartial(partial: string): Promise<void> {
  await rm(partial, { force: true });
  await rm(`${partial}.validator`, { force: true });
}

function sha256Of(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
