import path from "node:path";
import type { Artifact } from "../api/common.js";
import type { RootfsBuildSpec } from "../api/rootfsbuild-spec.js";
import { putManifest, uploadArtifacts, type S3Target } from "../steps/publish/s3/index.js";
import type { RefResolver } from "../plan/answer-plan.js";
import type { Manifest } from "../api/output-manifest.js";
import type { ProgressListener } from "../plan/progress.js";

type S3Spec = NonNullable<NonNullable<RootfsBuildSpec["storage"]>["s3"]>;

/** spec.storage.s3 with its credentials, read from the Secret it names. */
export async function s3TargetFor(s3: S3Spec, refs: RefResolver): Promise<S3Target> {
  const secret = s3.credentialsSecretRef.name;
  return {
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    prefix: s3.prefix,
    forcePathStyle: s3.forcePathStyle,
    credentials: {
      accessKeyId: await refs.secretValue(secret, "AWS_ACCESS_KEY_ID"),
      secretAccessKey: await refs.secretValue(secret, "AWS_SECRET_ACCESS_KEY"),
    },
  };
}

/**
 * Uploads a published local output to S3 under the same relative paths, manifest last. The nfsroot
 * tree stays local (S3 cannot hold owners, modes or device nodes); its tarball travels instead.
 * Returns the manifest's artifacts with s3:// locations.
 */
export async function publishToS3(
  target: S3Target,
  outDir: string,
  manifest: Manifest,
  onProgress?: ProgressListener,
): Promise<Artifact[]> {
  const files = manifest.artifacts.filter((a) => a.kind !== "nfsroot");
  const uploaded = await uploadArtifacts(
    target,
    files.map((a) => ({
      localPath: path.join(outDir, a.location),
      key: a.location,
      kind: a.kind,
      sha256: a.sha256,
    })),
    { onProgress },
  );
  await putManifest(target, "manifest.json", { ...manifest, artifacts: uploaded });
  return uploaded;
}
