// Pruning a catalog entry's S3 objects (spec.refresh.keep) on a real S3-compatible server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { S3Client } from "@aws-sdk/client-s3";
import { apiVersion } from "../../../src/api/group.js";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { deleteS3Artifacts } from "../../../src/controller/delete-artifacts.js";
import type { RefResolver } from "../../../src/plan/answer-plan.js";
import { uploadArtifacts } from "../../../src/steps/publish/s3/index.js";
import { startS3Server, type S3Server } from "../../harness/s3-server.js";
import { adminClient, newBucket, objectVisible, ScratchDir, targetFor } from "./fixtures.js";

let server: S3Server;
let admin: S3Client;
let scratch: ScratchDir;

before(async () => {
  server = await startS3Server();
  admin = adminClient(server);
  scratch = await ScratchDir.create();
});
after(async () => {
  admin.destroy();
  await server.stop();
  await scratch.remove();
});

const refs = (accessKeyId: string, secretAccessKey: string): RefResolver => ({
  secretValue: (_name, key) => Promise.resolve(key === "AWS_ACCESS_KEY_ID" ? accessKeyId : secretAccessKey),
  configMapValue: () => Promise.reject(new Error("no ConfigMaps here")),
});

function buildUsing(bucket: string): RootfsBuild {
  return {
    apiVersion,
    kind: "RootfsBuild",
    metadata: { name: "daily", namespace: "default" },
    spec: {
      storage: {
        s3: {
          endpoint: server.endpoint,
          bucket,
          prefix: "daily",
          region: server.region,
          forcePathStyle: true,
          credentialsSecretRef: { name: "creds" },
        },
      },
    } as RootfsBuild["spec"],
  };
}

/** An entry whose tarball and cgz are real objects in `bucket` under `day`. */
async function publishedEntry(bucket: string, day: string): Promise<RootfsImage> {
  const tarball = await scratch.file(`${day}.tar.gz`, 1000);
  const cgz = await scratch.file(`${day}.cgz`, 2000);
  const artifacts = await uploadArtifacts(targetFor(server, bucket, "daily"), [
    { localPath: tarball.path, key: `${day}/rootfs.tar.gz`, kind: "tarball" },
    { localPath: cgz.path, key: `${day}/rootfs.cgz`, kind: "cgz" },
  ]);
  return {
    apiVersion,
    kind: "RootfsImage",
    metadata: { name: day },
    spec: {
      os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
      buildKey: "1".repeat(64),
      layout: "compass-ci",
      size: "3Ki",
      artifacts,
      storage: { s3: { endpoint: server.endpoint, bucket, prefix: "daily" } },
      createdFrom: { namespace: "default", name: "daily", uid: "u", generation: 1 },
    },
  };
}

test("deletes the listed objects with the build's credentials, and only those", async () => {
  const bucket = await newBucket(admin);
  const old = await publishedEntry(bucket, "day-1");
  const kept = await publishedEntry(bucket, "day-2");
  const result = await deleteS3Artifacts({
    build: buildUsing(bucket),
    image: old,
    artifacts: old.spec.artifacts,
    refs: refs(server.accessKeyId, server.secretAccessKey),
  });
  assert.deepEqual(result, {
    deleted: [`s3://${bucket}/daily/day-1/rootfs.tar.gz`, `s3://${bucket}/daily/day-1/rootfs.cgz`],
    left: [],
  });
  assert.equal(await objectVisible(admin, bucket, "daily/day-1/rootfs.cgz"), false);
  for (const a of kept.spec.artifacts) {
    assert.equal(await objectVisible(admin, bucket, a.location.replace(`s3://${bucket}/`, "")), true);
  }
});

test("leaves the objects when the build's spec.storage.s3 names another bucket", async () => {
  const bucket = await newBucket(admin);
  const old = await publishedEntry(bucket, "day-1");
  const result = await deleteS3Artifacts({
    build: buildUsing("somewhere-else"),
    image: old,
    artifacts: old.spec.artifacts,
    refs: refs(server.accessKeyId, server.secretAccessKey),
  });
  assert.deepEqual(result.deleted, []);
  assert.match(result.left[0]?.why ?? "", /no credentials for its bucket/);
  assert.equal(await objectVisible(admin, bucket, "daily/day-1/rootfs.cgz"), true);
});

test("reports a refused delete per object, naming the server's reason", async () => {
  const bucket = await newBucket(admin);
  const old = await publishedEntry(bucket, "day-1");
  const result = await deleteS3Artifacts({
    build: buildUsing(bucket),
    image: old,
    artifacts: old.spec.artifacts,
    refs: refs(server.accessKeyId, "wrong-secret"),
  });
  assert.deepEqual(result.deleted, []);
  assert.equal(result.left.length, 2);
  assert.match(
    result.left[0]?.why ?? "",
    /S3 delete of s3:\/\/.*day-1\/rootfs.tar.gz failed: the secret access key is wrong/,
  );
  assert.equal(await objectVisible(admin, bucket, "daily/day-1/rootfs.tar.gz"), true);
});
