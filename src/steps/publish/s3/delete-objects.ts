import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFor } from "./client.js";
import { s3Failure } from "./errors.js";
import type { S3Target } from "./target.js";

/**
 * Deletes objects by full key (prefix included), one DeleteObject each, in order; S3 answers 204
 * for a key that is already gone, so a repeat is harmless. Resolves with every key deleted and, if
 * one failed, the failure (naming the object); the keys after it are left.
 */
export async function deleteObjects(
  target: S3Target,
  keys: string[],
): Promise<{ deleted: string[]; failure?: Error }> {
  const client = s3ClientFor(target);
  const deleted: string[] = [];
  try {
    for (const key of keys) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
      } catch (err) {
        return { deleted, failure: s3Failure(`S3 delete of s3://${target.bucket}/${key}`, target, err) };
      }
      deleted.push(key);
    }
    return { deleted };
  } finally {
    client.destroy();
  }
}
