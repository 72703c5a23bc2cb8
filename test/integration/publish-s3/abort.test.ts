import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from "@aws-sdk/client-s3";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { uploadArtifacts } from "../../../src/steps/publish/s3/index.js";
import { startS3Server, type S3Server } from "../../harness/s3-server.js";
import {
  adminClient,
  incompleteUploads,
  MIB,
  newBucket,
  objectVisible,
  ScratchDir,
  targetFor,
  type LocalFile,
} from "./fixtures.js";

let server: S3Server;
let admin: S3Client;
let scratch: ScratchDir;
let big: LocalFile;

before(async () => {
  server = await startS3Server();
  admin = adminClient(server);
  scratch = await ScratchDir.create();
  big = await scratch.file("rootfs.tar.zst", 40 * MIB);
});

after(async () => {
  admin.destroy();
  await server.stop();
  await scratch.remove();
});

function uploadedParts(bucket: string): string[] {
  return server.requests().filter((r) => r.startsWith(`PUT /${bucket}/`) && r.includes("x-id=UploadPart"));
}

test("a file that no longer matches its recorded sha256 is not published, and its parts are aborted", async () => {
  const bucket = await newBucket(admin);
  const wrong = "0".repeat(64);

  await assert.rejects(
    uploadArtifacts(targetFor(server, bucket, ""), [
      { localPath: big.path, key: "rootfs.tar.zst", kind: "tarball", sha256: wrong },
    ]),
    (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.equal(err.reason, "PublishFailed");
      assert.match(err.message, new RegExp(`has sha256 ${big.sha256}, but the build recorded ${wrong}`));
      assert.match(err.message, /build again$/);
      return true;
    },
  );
  assert.ok(uploadedParts(bucket).length >= 4, "parts were stored before the mismatch showed at the end");
  assert.equal(await objectVisible(admin, bucket, "rootfs.tar.zst"), false);
  assert.deepEqual(await incompleteUploads(admin, bucket), []);
});

test("cancelling stops the upload and leaves no parts", async () => {
  const bucket = await newBucket(admin);
  const cancel = new AbortController();

  const upload = uploadArtifacts(
    targetFor(server, bucket),
    [{ localPath: big.path, key: "big", kind: "tarball" }],
    {
      signal: cancel.signal,
      onProgress: (e) => {
        if (e.kind === "bytes" && e.done > 0) cancel.abort();
      },
    },
  );

  await assert.rejects(upload, { name: "AbortError" });
  assert.ok(uploadedParts(bucket).length >= 1);
  assert.equal(await objectVisible(admin, bucket, "builds/test/big"), false);
  assert.deepEqual(await incompleteUploads(admin, bucket), []);
});

test("an upload left unfinished by an earlier attempt is aborted by the next one", async () => {
  const bucket = await newBucket(admin);
  const Key = "builds/test/rootfs.tar.zst";
  const { UploadId } = await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
  await admin.send(
    new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: Buffer.alloc(MIB) }),
  );
  await admin.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `${Key}.other` }));

  await uploadArtifacts(targetFor(server, bucket), [
    { localPath: big.path, key: "rootfs.tar.zst", kind: "tarball" },
  ]);

  assert.deepEqual(
    await incompleteUploads(admin, bucket),
    [`${Key}.other`],
    "only the same key's uploads are ours",
  );
});
