// Shared setup for the publish-s3 tests: a real moto server, buckets, and files to upload.

import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { S3Target } from "../../../src/steps/publish/s3/index.js";
import type { S3Server } from "../../harness/s3-server.js";

export const MIB = 1 << 20;

let buckets = 0;

/** A client of the test's own, to set up and inspect the server independently of the code under test. */
export function adminClient(server: S3Server): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
}

export async function newBucket(admin: S3Client): Promise<string> {
  const bucket = `publish-test-${process.pid}-${++buckets}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export function targetFor(server: S3Server, bucket: string, prefix = "builds/test"): S3Target {
  return {
    endpoint: server.endpoint,
    region: server.region,
    bucket,
    prefix,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  };
}

export interface LocalFile {
  path: string;
  size: number;
  sha256: string;
}

export class ScratchDir {
  private constructor(readonly dir: string) {}

  static async create(): Promise<ScratchDir> {
    return new ScratchDir(await mkdtemp(path.join(tmpdir(), "publish-s3-")));
  }

  /** A file of random bytes (so that no part compresses or dedups). */
  async file(name: string, size: number): Promise<LocalFile> {
    const data = randomBytes(size);
    const file = path.join(this.dir, name);
    await writeFile(file, data);
    return { path: file, size, sha256: createHash("sha256").update(data).digest("hex") };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function incompleteUploads(admin: S3Client, bucket: string): Promise<string[]> {
  const page = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (page.Uploads ?? []).map((u) => u.Key ?? "");
}

export async function objectVisible(admin: S3Client, bucket: string, key: string): Promise<boolean> {
  return admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    (err: unknown) => {
      if ((err as { name?: string }).name === "NotFound") return false;
      throw err;
    },
  );
}

export async function sha256OfObject(admin: S3Client, bucket: string, key: string): Promise<string> {
  const object = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return createHash("sha256")
    .update((await object.Body?.transformToByteArray()) ?? new Uint8Array())
    .digest("hex");
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
