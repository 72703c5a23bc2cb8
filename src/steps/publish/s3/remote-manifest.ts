import { createHash } from "node:crypto";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFor } from "./client.js";
import { isMissingObject, s3Failure } from "./errors.js";
import { objectKey, s3Url, type S3Target } from "./target.js";

/**
 * Writes the manifest. Call it only after uploadArtifacts has succeeded: its presence is what marks
 * the output as complete, so readers never see a manifest whose artifacts are still on their way.
 */
export async function putManifest(target: S3Target, key: string, manifest: unknown): Promise<void> {
  const body = `${JSON.stringify(manifest, null, 2)}\n`;
  const client = s3ClientFor(target);
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: objectKey(target, key),
        Body: body,
        ContentType: "application/json",
        Metadata: { sha256: createHash("sha256").update(body).digest("hex") },
        ChecksumAlgorithm: "SHA256",
      }),
    );
  } catch (err) {
    throw s3Failure(`S3 upload of the manifest to ${s3Url(target, key)}`, target, err);
  } finally {
    client.destroy();
  }
}

/**
 * The parsed manifest at `key`, or undefined when there is none (or it is not JSON): the output is
 * then not published. A missing bucket or bad credentials still fail, naming what to fix.
 */
export async function readRemoteManifest(target: S3Target, key: string): Promise<unknown> {
  const client = s3ClientFor(target);
  try {
    const object = await client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: objectKey(target, key) }),
    );
    const text = (await object.Body?.transformToString("utf8")) ?? "";
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  } catch (err) {
    if (isMissingObject(err)) return undefined;
    throw s3Failure(`S3 read of ${s3Url(target, key)}`, target, err);
  } finally {
    client.destroy();
  }
}
