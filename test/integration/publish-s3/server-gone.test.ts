import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import type { ProgressEvent } from "../../../src/plan/progress.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { uploadArtifacts } from "../../../src/steps/publish/s3/index.js";
import { startCuttableProxy } from "../../harness/s3/cuttable-proxy.js";
import { startS3Server } from "../../harness/s3-server.js";
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

let scratch: ScratchDir;
let big: LocalFile;

before(async () => {
  scratch = await ScratchDir.create();
  big = await scratch.file("disk.qcow2", 40 * MIB);
});

after(() => scratch.remove());

/** Calls `then` once, when the first part has been stored. */
function afterFirstPart(then: () => void) {
  let fired = false;
  return (e: ProgressEvent) => {
    if (fired || e.kind !== "bytes" || e.done === 0) return;
    fired = true;
    then();
  };
}

function failedFast(started: number) {
  return (err: unknown) => {
    assert.ok(err instanceof StepFailure, String(err));
    assert.equal(err.reason, "PublishFailed");
    assert.match(err.message, /failed: (the connection to|nothing answers at) http:\/\/127\.0\.0\.1:\d+/);
    const took = Date.now() - started;
    assert.ok(took < 10_000, `failed after ${took} ms: retries must not hang on a dead server`);
    return true;
  };
}

test("the server dying mid-upload fails the publish in seconds, and a restarted server shows nothing", async () => {
  const server = await startS3Server();
  const admin = adminClient(server);
  try {
    const bucket = await newBucket(admin);
    const started = Date.now();

    await assert.rejects(
      uploadArtifacts(
        targetFor(server, bucket),
        [{ localPath: big.path, key: "disk.qcow2", kind: "qcow2" }],
        {
          onProgress: afterFirstPart(() => server.kill()),
        },
      ),
      failedFast(started),
    );

    // moto keeps its state in memory: the restarted server starts empty, as a real server that
    // lost its disk would. What a surviving server keeps is the next test's subject.
    const port = Number(new URL(server.endpoint).port);
    const restarted = await startS3Server({ port });
    const restartedAdmin = adminClient(restarted);
    try {
      await restartedAdmin.send(new CreateBucketCommand({ Bucket: bucket }));
      assert.equal(await objectVisible(restartedAdmin, bucket, "builds/test/disk.qcow2"), false);
      assert.deepEqual(await incompleteUploads(restartedAdmin, bucket), []);
    } finally {
      restartedAdmin.destroy();
      await restarted.stop();
    }
  } finally {
    admin.destroy();
    await server.stop();
  }
});

test("a server cut off mid-upload keeps no object, and the next publish aborts the parts it kept", async () => {
  const server = await startS3Server();
  const admin = adminClient(server);
  const proxy = await startCuttableProxy(server.endpoint);
  try {
    const bucket = await newBucket(admin);
    const target = targetFor(server, bucket);
    const started = Date.now();

    await assert.rejects(
      uploadArtifacts(
        { ...target, endpoint: proxy.endpoint },
        [{ localPath: big.path, key: "disk.qcow2", kind: "qcow2" }],
        {
          onProgress: afterFirstPart(() => proxy.cut()),
        },
      ),
      failedFast(started),
    );
    assert.equal(await objectVisible(admin, bucket, "builds/test/disk.qcow2"), false);
    assert.deepEqual(
      await incompleteUploads(admin, bucket),
      ["builds/test/disk.qcow2"],
      "the abort could not get through",
    );

    await uploadArtifacts(target, [
      { localPath: big.path, key: "disk.qcow2", kind: "qcow2", sha256: big.sha256 },
    ]);
    assert.equal(await objectVisible(admin, bucket, "builds/test/disk.qcow2"), true);
    assert.deepEqual(await incompleteUploads(admin, bucket), []);
  } finally {
    proxy.cut();
    admin.destroy();
    await server.stop();
  }
});
