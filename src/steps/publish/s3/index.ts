/**
 * Publishing to an S3-compatible bucket: uploadArtifacts for the files, then putManifest, last.
 *
 * Only regular files are uploaded. The nfsroot directory tree is not uploaded file by file — S3
 * objects have no owner, mode, device number, hard link or empty directory, so the tree would not
 * survive the trip — callers upload the tarball of it instead (spec.outputs.tarball).
 */
export { deleteObjects } from "./delete-objects.js";
export { s3EnvNames, s3TargetFromEnv } from "./env.js";
export { objectsExist } from "./objects-exist.js";
export { putManifest, readRemoteManifest } from "./remote-manifest.js";
export { objectKey, s3Url, type S3Target, type S3Upload } from "./target.js";
export { partSizeFor, uploadArtifacts, type UploadOptions } from "./upload-artifacts.js";
