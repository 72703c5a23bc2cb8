/**
 * Publishing to an S3-compatible bucket: uploadArtifacts for the files, then putManifest, last.
 *
 * Only regular files are uploaded. The nfsroot directory tree is not uploaded file by file — S3
 * objects have no owner, mode, device number, hard link or empty directory, so the tree would not
 * survive the trip — callers upload the tarball of it instead (spec.outputs.tarball).
 *
 * The operations load the AWS SDK on first use: importing it costs ~0.3 s of CPU, which every start
 * of the operator would pay although most installations publish to a PVC.
 */
import type * as Deletes from "./delete-objects.js";
import type * as Exists from "./objects-exist.js";
import type * as Manifests from "./remote-manifest.js";
import type * as Uploads from "./upload-artifacts.js";

export { s3EnvNames, s3TargetFromEnv } from "./env.js";
export { partSizeFor } from "./part-size.js";
export { objectKey, s3Url, type S3Target, type S3Upload } from "./target.js";
export type { UploadOptions } from "./upload-artifacts.js";

export const deleteObjects: typeof Deletes.deleteObjects = async (...args) =>
  (await import("./delete-objects.js")).deleteObjects(...args);

export const objectsExist: typeof Exists.objectsExist = async (...args) =>
  (await import("./objects-exist.js")).objectsExist(...args);

export const putManifest: typeof Manifests.putManifest = async (...args) =>
  (await import("./remote-manifest.js")).putManifest(...args);

export const readRemoteManifest: typeof Manifests.readRemoteManifest = async (...args) =>
  (await import("./remote-manifest.js")).readRemoteManifest(...args);

export const uploadArtifacts: typeof Uploads.uploadArtifacts = async (...args) =>
  (await import("./upload-artifacts.js")).uploadArtifacts(...args);
