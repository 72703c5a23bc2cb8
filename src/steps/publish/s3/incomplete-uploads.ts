import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type MultipartUpload,
  type S3Client,
} from "@aws-sdk/client-s3";
import { isAccessDenied } from "./errors.js";

/**
 * Aborts every unfinished multipart upload of exactly `key`, so that no parts stay stored (and
 * billed) behind an upload that failed — ours just now, or an earlier attempt's whose server went
 * away before it could be told to abort. A key is written by one publish at a time (one worker per
 * build), so an unfinished upload of it is never someone else's live one.
 *
 * Credentials allowed to upload but not to list uploads (s3:ListBucketMultipartUploads) skip this.
 */
export async function abortIncompleteUploads(
  client: S3Client,
  bucket: string,
  key: string,
  signal?: AbortSignal,
): Promise<void> {
  let uploads: MultipartUpload[];
  try {
    uploads = await listUploads(client, bucket, key, signal);
  } catch (err) {
    if (isAccessDenied(err)) return;
    throw err;
  }
  for (const { UploadId } of uploads) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }), { abortSignal: signal })
      .catch((err: unknown) => {
        // Gone already: lib-storage's own abort, running in the background, got there first.
        if ((err as { name?: string }).name !== "NoSuchUpload") throw err;
      });
  }
}

async function listUploads(
  client: S3Client,
  bucket: string,
  key: string,
  signal: AbortSignal | undefined,
): Promise<MultipartUpload[]> {
  const found: MultipartUpload[] = [];
  let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
  for (;;) {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, ...markers }),
      { abortSignal: signal },
    );
    found.push(...(page.Uploads ?? []).filter((u) => u.Key === key));
    if (!page.IsTruncated) return found;
    markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
  }
}
