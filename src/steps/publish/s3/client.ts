import { S3Client } from "@aws-sdk/client-s3";
import type { S3Target } from "./target.js";

/** A server that stops answering mid-request is given up on after this long without a byte. */
export const IDLE_TIMEOUT_MS = 60_000;
const CONNECT_TIMEOUT_MS = 10_000;
/** One try plus two retries: enough for a blip, short enough that a dead server fails the step in seconds. */
const MAX_ATTEMPTS = 3;

export function s3ClientFor(target: S3Target): S3Client {
  return new S3Client({
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    credentials: target.credentials,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
  });
}
