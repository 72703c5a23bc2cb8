import assert from "node:assert/strict";
import { test } from "node:test";
import { LocalFileError, s3Failure } from "../../../src/steps/publish/s3/errors.js";
import type { S3Target } from "../../../src/steps/publish/s3/index.js";

const target: S3Target = {
  endpoint: "http://minio.storage:9000",
  region: "us-east-1",
  bucket: "images",
  prefix: "",
  forcePathStyle: true,
  credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
};
const CHECK_SPEC = "; check spec.storage.s3 (endpoint, bucket, credentials Secret)";

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

test("each failure says what went wrong in the user's terms and what to check", () => {
  const cases: [err: unknown, why: string][] = [
    [serviceError("NoSuchBucket", 404), 'bucket "images" does not exist at http://minio.storage:9000'],
    [
      serviceError("InvalidAccessKeyId", 403),
      'http://minio.storage:9000 does not know access key ID "AKIAEXAMPLE"',
    ],
    [
      serviceError("SignatureDoesNotMatch", 403),
      'the secret access key is wrong for access key ID "AKIAEXAMPLE"',
    ],
    [
      serviceError("AccessDenied", 403),
      'access denied: access key ID "AKIAEXAMPLE" may not use bucket "images"',
    ],
    [
      serviceError("UnknownError", 403),
      'http://minio.storage:9000 refused access key ID "AKIAEXAMPLE" (wrong secret, unknown key or no access to bucket "images")',
    ],
    [serviceError("TimeoutError", 0), "http://minio.storage:9000 sent nothing for 60 s"],
    [networkError("ECONNREFUSED"), "nothing answers at http://minio.storage:9000 (connection refused)"],
    [networkError("ECONNRESET"), "the connection to http://minio.storage:9000 was lost mid-request"],
    [networkError("ENOTFOUND"), "cannot resolve the host name of http://minio.storage:9000"],
    [serviceError("SlowDown", 503), "SlowDown message (HTTP 503)"],
    ["a string", "a string"],
  ];
  for (const [err, why] of cases) {
    const failure = s3Failure("S3 upload of /out/vmlinuz to s3://images/vmlinuz", target, err);
    assert.equal(failure.reason, "PublishFailed");
    assert.equal(
      failure.message,
      `S3 upload of /out/vmlinuz to s3://images/vmlinuz failed: ${why}${CHECK_SPEC}`,
    );
    assert.equal(failure.cause, err);
  }
});

test("AWS itself is named by its region", () => {
  const aws = { ...target, endpoint: undefined, region: "eu-west-1" };
  const failure = s3Failure("S3 read of s3://images/manifest.json", aws, serviceError("NoSuchBucket", 404));
  assert.match(failure.message, /bucket "images" does not exist at AWS S3 \(eu-west-1\);/);
});

test("local problems point at the build, not at the S3 settings", () => {
  const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/out/vmlinuz'"), {
    code: "ENOENT",
    path: "/out/vmlinuz",
  });
  for (const err of [enoent, new LocalFileError("/out/vmlinuz has sha256 a, but the build recorded b")]) {
    const failure = s3Failure("S3 upload of /out/vmlinuz to s3://images/vmlinuz", target, err);
    assert.match(
      failure.message,
      /; the build's outputs changed or vanished before they were published: build again$/,
    );
  }
});
