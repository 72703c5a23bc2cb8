import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  objectsExist,
  putManifest,
  readRemoteManifest,
  uploadArtifacts,
} from "../../../src/steps/publish/s3/index.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { startS3Server, type S3Server } from "../../harness/s3-server.js";
import { adminClient, newBucket, ScratchDir, targetFor, unusedPort, type LocalFile } from "./fixtures.js";

let server: S3Server;
let admin: S3Client;
let scratch: ScratchDir;
let file: LocalFile;
let bucket: string;

before(async () => {
  server = await startS3Server();
  admin = adminClient(server);
  scratch = await ScratchDir.create();
  file = await scratch.file("vmlinuz", 2_000);
  bucket = await newBucket(admin);
});

after(async () => {
  admin.destroy();
  await server.stop();
  await scratch.remove();
});

const CHECK_SPEC = /; check spec\.storage\.s3 \(endpoint, bucket, credentials Secret\)$/;

function publishFailed(message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof StepFailure, `expected a StepFailure, got ${String(err)}`);
    assert.equal(err.reason, "PublishFailed");
    assert.match(err.message, message);
    assert.match(err.message, CHECK_SPEC);
    return true;
  };
}

test("a missing bucket is named", async () => {
  const target = targetFor(server, "no-such-bucket", "p");
  const noBucket = /bucket "no-such-bucket" does not exist at http:\/\/127\.0\.0\.1:\d+;/;

  await assert.rejects(
    uploadArtifacts(target, [{ localPath: file.path, key: "vmlinuz", kind: "kernel" }]),
    publishFailed(
      new RegExp(`^S3 upload of ${file.path} to s3://no-such-bucket/p/vmlinuz failed: ${noBucket.source}`),
    ),
  );
  await assert.rejects(putManifest(target, "manifest.json", {}), publishFailed(noBucket));
  await assert.rejects(readRemoteManifest(target, "manifest.json"), publishFailed(noBucket));
});

test("a wrong secret key is told apart from an unknown key ID", async () => {
  const good = targetFor(server, bucket);
  const wrongSecret = { ...good, credentials: { ...good.credentials, secretAccessKey: "not-the-secret" } };
  const unknownKey = { ...good, credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" } };

  await assert.rejects(
    uploadArtifacts(wrongSecret, [{ localPath: file.path, key: "vmlinuz", kind: "kernel" }]),
    publishFailed(
      new RegExp(
        `failed: the secret access key is wrong for access key ID "${good.credentials.accessKeyId}";`,
      ),
    ),
  );
  await assert.rejects(
    uploadArtifacts(unknownKey, [{ localPath: file.path, key: "vmlinuz", kind: "kernel" }]),
    publishFailed(/failed: http:\/\/127\.0\.0\.1:\d+ does not know access key ID "AKIAUNKNOWNKEY000000";/),
  );
  await assert.rejects(
    putManifest(wrongSecret, "manifest.json", {}),
    publishFailed(/secret access key is wrong/),
  );
  await assert.rejects(
    readRemoteManifest(unknownKey, "manifest.json"),
    publishFailed(/does not know access key ID/),
  );
  // HEAD answers carry no error code, only 403.
  await assert.rejects(
    objectsExist(wrongSecret, ["vmlinuz"]),
    publishFailed(/refused access key ID "\w+" \(wrong secret, unknown key or no access to bucket/),
  );
});

test("nothing listening at the endpoint fails fast", async () => {
  const endpoint = `http://127.0.0.1:${await unusedPort()}`;
  const target = { ...targetFor(server, bucket), endpoint };
  const started = Date.now();

  await assert.rejects(
    uploadArtifacts(target, [{ localPath: file.path, key: "vmlinuz", kind: "kernel" }]),
    publishFailed(new RegExp(`failed: nothing answers at ${endpoint} \\(connection refused\\);`)),
  );
  assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
});

test("a local file that is gone is not blamed on S3", async () => {
  await assert.rejects(
    uploadArtifacts(targetFor(server, bucket), [
      { localPath: `${file.path}.gone`, key: "x", kind: "kernel" },
    ]),
    (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.match(
        err.message,
        /ENOENT.*; the build's outputs changed or vanished before they were published/,
      );
      return true;
    },
  );
});
