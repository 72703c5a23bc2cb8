import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFor } from "./client.js";
import { isMissingObject, s3Failure } from "./errors.js";
import { objectKey, s3Url, type S3Target } from "./target.js";

/** Whether every key (relative to the prefix) names an object: the "already published?" check. */
export async function objectsExist(target: S3Target, keys: string[]): Promise<boolean> {
  const client = s3ClientFor(target);
  try {
    for (const key of keys) {
      const found = await client
        .send(new HeadObjectCommand({ Bucket: target.bucket, Key: objectKey(target, key) }))
        .then(
          () => true,
          (err: unknown) => {
            if (isMissingObject(err)) return false;
            throw s3Failure(`S3 check of ${s3Url(target, key)}`, target, err);
          },
        );
      if (!found) return false;
    }
    return true;
  } finally {
    client.destroy();
  }
}
