import { StepFailure } from "../../../reasons/step-failure.js";
import { errorText } from "../../../lib/files.js";
import { IDLE_TIMEOUT_MS } from "./client.js";
import type { S3Target } from "./target.js";

const CHECK_SPEC = "check spec.storage.s3 (endpoint, bucket, credentials Secret)";
const REBUILD = "the build's outputs changed or vanished before they were published: build again";

/** The local file is not what the build produced: no S3 setting will fix that. */
export class LocalFileError extends Error {
  override name = "LocalFileError";
}

/** `what` names the operation and its object, e.g. "S3 upload of /x/rootfs.cgz to s3://bucket/key". */
export function s3Failure(what: string, target: S3Target, err: unknown): StepFailure {
  const hint = isLocal(err) ? REBUILD : CHECK_SPEC;
  return new StepFailure("PublishFailed", `${what} failed: ${reason(err, target)}; ${hint}`, { cause: err });
}

/** A 404 for the object itself (HEAD answers have no body, so they carry only "NotFound"). */
export function isMissingObject(err: unknown): boolean {
  const name = fieldOf(err, "name");
  return name === "NoSuchKey" || name === "NotFound";
}

export function isAccessDenied(err: unknown): boolean {
  const name = fieldOf(err, "name");
  return name === "AccessDenied" || name === "Forbidden";
}

function reason(err: unknown, target: S3Target): string {
  const server = target.endpoint ?? `AWS S3 (${target.region})`;
  const keyId = `access key ID "${target.credentials.accessKeyId}"`;
  switch (fieldOf(err, "name")) {
    case "NoSuchBucket":
      return `bucket "${target.bucket}" does not exist at ${server}`;
    case "InvalidAccessKeyId":
      return `${server} does not know ${keyId}`;
    case "SignatureDoesNotMatch":
      return `the secret access key is wrong for ${keyId}`;
    case "AccessDenied":
    case "Forbidden":
      return `access denied: ${keyId} may not use bucket "${target.bucket}"`;
    case "TimeoutError":
      return `${server} sent nothing for ${IDLE_TIMEOUT_MS / 1000} s`;
  }
  switch (fieldOf(err, "code")) {
    case "ECONNREFUSED":
      return `nothing answers at ${server} (connection refused)`;
    case "ECONNRESET":
    case "EPIPE":
      return `the connection to ${server} was lost mid-request`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve the host name of ${server}`;
  }
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  // HEAD answers have no body, hence no error code to tell these apart.
  if (status === 403)
    return `${server} refused ${keyId} (wrong secret, unknown key or no access to bucket "${target.bucket}")`;
  return status === undefined ? errorText(err) : `${errorText(err)} (HTTP ${status})`;
}

/** Our own verification failures and fs errors (which carry the path they failed on). */
function isLocal(err: unknown): boolean {
  return err instanceof LocalFileError || typeof fieldOf(err, "path") === "string";
}

function fieldOf(err: unknown, field: "name" | "code" | "path"): unknown {
  return typeof err === "object" && err !== null ? (err as Record<string, unknown>)[field] : undefined;
}
