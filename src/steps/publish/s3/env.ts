// How a worker Job is told where to upload: plain variables for the target, the credentials from the
// Secret that spec.storage.s3.credentialsSecretRef names (under the keys the AWS SDK reads).
import { StepFailure } from "../../../reasons/step-failure.js";
import type { S3Target } from "./target.js";

export const s3EnvNames = {
  bucket: "ROOTFS_S3_BUCKET",
  prefix: "ROOTFS_S3_PREFIX",
  endpoint: "ROOTFS_S3_ENDPOINT",
  region: "ROOTFS_S3_REGION",
  forcePathStyle: "ROOTFS_S3_FORCE_PATH_STYLE",
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
} as const;

/** The upload target the environment describes, or undefined when it names no bucket. */
export function s3TargetFromEnv(env: NodeJS.ProcessEnv): S3Target | undefined {
  const bucket = env[s3EnvNames.bucket];
  if (!bucket) return undefined;
  const accessKeyId = env[s3EnvNames.accessKeyId];
  const secretAccessKey = env[s3EnvNames.secretAccessKey];
  if (!accessKeyId || !secretAccessKey) {
    throw new StepFailure(
      "PublishFailed",
      `${s3EnvNames.bucket} is set but ${s3EnvNames.accessKeyId} or ${s3EnvNames.secretAccessKey} is empty: ` +
        "the Secret named by spec.storage.s3.credentialsSecretRef must hold both keys",
    );
  }
  return {
    bucket,
    prefix: env[s3EnvNames.prefix] ?? "",
    endpoint: env[s3EnvNames.endpoint] || undefined,
    region: env[s3EnvNames.region] || "us-east-1",
    forcePathStyle: env[s3EnvNames.forcePathStyle] === "true",
    credentials: { accessKeyId, secretAccessKey },
  };
}
