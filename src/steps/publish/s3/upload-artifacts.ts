import { stat } from "node:fs/promises";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Artifact } from "../../../api/common.js";
import { ByteProgress, type ProgressListener } from "../../../plan/progress.js";
import { sha256OfFile } from "../../../lib/files.js";
import { s3ClientFor } from "./client.js";
import { s3Failure } from "./errors.js";
import { abortIncompleteUploads } from "./incomplete-uploads.js";
import { objectKey, s3Url, type S3Target, type S3Upload } from "./target.js";
import { partSizeFor } from "./part-size.js";
import { readVerified } from "./verified-read.js";

const PARTS_IN_FLIGHT = 4;
/** Cleaning up after a failure must not hang on the server that just failed us. */
const CLEANUP_TIMEOUT_MS = 10_000;

export interface UploadOptions {
  onProgress?: ProgressListener;
  /** Aborting it stops the upload, aborts the multipart upload and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Uploads files one after another, each as a multipart upload of up to PARTS_IN_FLIGHT parts at a
 * time (a file smaller than one part goes up in a single PUT). The sha256 is stored as the object's
 * `x-amz-meta-sha256` and checked on the upload's own read of the file — the only read when the
 * caller passes it (S3Upload.sha256). S3's own per-part SHA256 checksums are sent too; servers that
 * don't know them ignore them. A failed upload is aborted, so it leaves no parts behind, and so is
 * one an earlier attempt left unfinished. Call putManifest after this: the manifest, written last,
 * is what marks the output complete.
 */
export async function uploadArtifacts(
  target: S3Target,
  uploads: S3Upload[],
  opts: UploadOptions = {},
): Promise<Artifact[]> {
  const client = s3ClientFor(target);
  try {
    const sizes = await Promise.all(uploads.map((u) => sizeOf(target, u)));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const progress = new ByteProgress("publish", opts.onProgress, total);
    const artifacts: Artifact[] = [];
    for (const [i, upload] of uploads.entries()) {
      opts.signal?.throwIfAborted();
      artifacts.push(await uploadOne(client, target, upload, sizes[i] ?? 0, progress, opts.signal));
    }
    progress.finish();
    return artifacts;
  } finally {
    client.destroy();
  }
}

async function uploadOne(
  client: S3Client,
  target: S3Target,
  upload: S3Upload,
  size: number,
  progress: ByteProgress,
  signal: AbortSignal | undefined,
): Promise<Artifact> {
  const key = objectKey(target, upload.key);
  const location = s3Url(target, upload.key);
  try {
    const sha256 = upload.sha256 ?? (await sha256OfFile(upload.localPath));
    await abortIncompleteUploads(client, target.bucket, key, signal);
    const body = readVerified(upload.localPath, sha256);
    try {
      const multipart = new Upload({
        client,
        partSize: partSizeFor(size),
        queueSize: PARTS_IN_FLIGHT,
        params: {
          Bucket: target.bucket,
          Key: key,
          Body: body,
          // Lets lib-storage check that every part arrived, not just that the stream ended.
          ContentLength: size,
          ContentType: "application/octet-stream",
          Metadata: { sha256 },
          ChecksumAlgorithm: "SHA256",
        },
      });
      reportProgress(multipart, progress);
      await untilDone(multipart, signal);
    } finally {
      body.destroy();
    }
    return { kind: upload.kind, location, size, sha256 };
  } catch (err) {
    await abortIncompleteUploads(client, target.bucket, key, AbortSignal.timeout(CLEANUP_TIMEOUT_MS)).catch(
      () => undefined, // the next publish of this key cleans up instead
    );
    if (signal?.aborted) throw signal.reason;
    throw s3Failure(`S3 upload of ${upload.localPath} to ${location}`, target, err);
  }
}

function reportProgress(multipart: Upload, progress: ByteProgress): void {
  let reported = 0;
  multipart.on("httpUploadProgress", ({ loaded = 0 }) => {
    progress.add(loaded - reported);
    reported = loaded;
  });
}

async function untilDone(multipart: Upload, signal: AbortSignal | undefined): Promise<void> {
  const onAbort = () => void multipart.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    await multipart.done();
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

async function sizeOf(target: S3Target, upload: S3Upload): Promise<number> {
  try {
    return (await stat(upload.localPath)).size;
  } catch (err) {
    throw s3Failure(`S3 upload of ${upload.localPath} to ${s3Url(target, upload.key)}`, target, err);
  }
}
