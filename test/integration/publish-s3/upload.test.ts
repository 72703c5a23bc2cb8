import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ProgressEvent } from "../../../src/plan/progress.js";
import {
  objectsExist,
  putManifest,
  readRemoteManifest,
  uploadArtifacts,
} from "../../../src/steps/publish/s3/index.js";
import { startS3Server, type S3Server } from "../../harness/s3-server.js";
import {
  adminClient,
  incompleteUploads,
  MIB,
  newBucket,
  ScratchDir,
  sha256OfObject,
  targetFor,
  type LocalFile,
} from "./fixtures.js";

let server: S3Server;
let admin: S3Client;
let scratch: ScratchDir;
let files: { cgz: LocalFile; kernel: LocalFile; initrd: LocalFile };

before(async () => {
  server = await startS3Server();
  admin = adminClient(server);
  scratch = await ScratchDir.create();
  files = {
    cgz: await scratch.file("rootfs.cgz", 40 * MIB + 12_345),
    kernel: await scratch.file("vmlinuz", 3 * MIB),
    initrd: await scratch.file("initrd.img", 1_000),
  };
});

after(async () => {
  admin.destroy();
  await server.stop();
  await scratch.remove();
});

test("uploads each file with its sha256 as metadata, a large one in several parts, and the manifest last", async () => {
  const bucket = await newBucket(admin);
  const target = targetFor(server, bucket, "/builds/openeuler/");
  const events: ProgressEvent[] = [];

  const artifacts = await uploadArtifacts(
    target,
    [
      { localPath: files.cgz.path, key: "rootfs.cgz", kind: "cgz" },
      { localPath: files.kernel.path, key: "boot/vmlinuz", kind: "kernel", sha256: files.kernel.sha256 },
      { localPath: files.initrd.path, key: "boot/initrd.img", kind: "initrd" },
    ],
    { onProgress: (e) => events.push(e) },
  );
  const manifest = { name: "test", artifacts };
  await putManifest(target, "manifest.json", manifest);

  assert.deepEqual(artifacts, [
    { kind: "cgz", location: `s3://${bucket}/builds/openeuler/rootfs.cgz`, ...sizeAndSha(files.cgz) },
    { kind: "kernel", location: `s3://${bucket}/builds/openeuler/boot/vmlinuz`, ...sizeAndSha(files.kernel) },
    {
      kind: "initrd",
      location: `s3://${bucket}/builds/openeuler/boot/initrd.img`,
      ...sizeAndSha(files.initrd),
    },
  ]);
  for (const [name, file] of Object.entries({ "rootfs.cgz": files.cgz, "boot/initrd.img": files.initrd })) {
    const key = `builds/openeuler/${name}`;
    const head = await admin.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }),
    );
    assert.equal(head.Metadata?.sha256, file.sha256, key);
    assert.equal(head.ContentLength, file.size, key);
    assert.ok(head.ChecksumSHA256, `${key}: the server kept S3's own SHA256 checksum`);
    assert.equal(await sha256OfObject(admin, bucket, key), file.sha256, `${key}: content`);
  }

  const big = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: "builds/openeuler/rootfs.cgz" }));
  assert.match(big.ETag ?? "", /-6"$/, "40 MiB in 8 MiB parts: a multipart object of 6 parts");
  const small = await admin.send(
    new HeadObjectCommand({ Bucket: bucket, Key: "builds/openeuler/boot/vmlinuz" }),
  );
  assert.doesNotMatch(small.ETag ?? "", /-\d+"$/, "a file under one part goes up in a single PUT");

  const writes = server.requests().filter((r) => /^(PUT|POST) \/publish-test/.test(r));
  assert.match(writes.at(-1) ?? "", /^PUT \/[^/]+\/builds\/openeuler\/manifest\.json\?x-id=PutObject 200$/);
  assert.ok(
    writes.some((r) => /^POST \/[^/]+\/builds\/openeuler\/rootfs\.cgz\?uploadId=\S+ 200$/.test(r)),
    `the multipart upload was completed: ${writes.join("\n")}`,
  );

  assert.deepEqual(await readRemoteManifest(target, "manifest.json"), manifest);
  assert.equal(await objectsExist(target, ["rootfs.cgz", "boot/vmlinuz", "boot/initrd.img"]), true);
  assert.deepEqual(await incompleteUploads(admin, bucket), []);

  const last = events.at(-1);
  assert.equal(last?.kind, "bytes");
  assert.equal(last.step, "publish");
  const total = files.cgz.size + files.kernel.size + files.initrd.size;
  assert.deepEqual([last.done, last.total], [total, total]);
});

test("tells what is not published yet, and uploads an empty file", async () => {
  const bucket = await newBucket(admin);
  const target = targetFor(server, bucket);

  assert.equal(await readRemoteManifest(target, "manifest.json"), undefined);
  assert.equal(await objectsExist(target, []), true);
  const empty = await scratch.file("empty", 0);
  const artifacts = await uploadArtifacts(target, [
    { localPath: files.initrd.path, key: "initrd.img", kind: "initrd" },
    { localPath: empty.path, key: "modules.cgz", kind: "modules" },
  ]);
  assert.deepEqual(artifacts[1], {
    kind: "modules",
    location: `s3://${bucket}/builds/test/modules.cgz`,
    ...sizeAndSha(empty),
  });
  assert.equal(await objectsExist(target, ["initrd.img", "modules.cgz"]), true);
  assert.equal(await objectsExist(target, ["initrd.img", "vmlinuz"]), false);
});

function sizeAndSha(file: LocalFile) {
  return { size: file.size, sha256: file.sha256 };
}
