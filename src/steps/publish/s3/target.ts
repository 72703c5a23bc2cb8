import type { Artifact } from "../../../api/common.js";

/** Where the artifacts go: spec.storage.s3 with the credentials read from its Secret. */
export interface S3Target {
  /** An S3-compatible server's URL; absent means AWS. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Key prefix inside the bucket; "" for the bucket's root. Leading and trailing slashes are ignored. */
  prefix: string;
  forcePathStyle: boolean;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * One regular file to upload. Directory trees (the nfsroot) are never uploaded file by file: an S3
 * object has no owner, mode, device number or hard link, so callers upload the tarball instead.
 */
export interface S3Upload {
  localPath: string;
  /** Relative to the target's prefix. */
  key: string;
  kind: Artifact["kind"];
  /**
   * The file's sha256 (hex) when the caller already knows it, e.g. from the manifest it is about to
   * write. S3 metadata is fixed when an upload starts, so without it the file is read twice: once to
   * hash it, once to upload it.
   */
  sha256?: string;
}

/** The full object key: prefix and key joined by exactly one slash. */
export function objectKey(target: S3Target, key: string): string {
  return [target.prefix, key]
    .map((part) => part.replace(/^\/+|\/+$/g, ""))
    .filter((part) => part !== "")
    .join("/");
}

export function s3Url(target: S3Target, key: string): string {
  return `s3://${target.bucket}/${objectKey(target, key)}`;
}
