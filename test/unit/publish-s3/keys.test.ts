import assert from "node:assert/strict";
import { test } from "node:test";
import { objectKey, partSizeFor, s3Url, type S3Target } from "../../../src/steps/publish/s3/index.js";

const MIB = 1 << 20;

function target(prefix: string): S3Target {
  return {
    region: "us-east-1",
    bucket: "images",
    prefix,
    forcePathStyle: true,
    credentials: { accessKeyId: "id", secretAccessKey: "secret" },
  };
}

test("keys join prefix and key with exactly one slash", () => {
  const cases: [prefix: string, key: string, expected: string][] = [
    ["", "manifest.json", "manifest.json"],
    ["builds", "manifest.json", "builds/manifest.json"],
    ["/builds/openeuler/", "/boot/vmlinuz", "builds/openeuler/boot/vmlinuz"],
    ["a//", "b", "a/b"],
  ];
  for (const [prefix, key, expected] of cases) {
    assert.equal(objectKey(target(prefix), key), expected, `${prefix} + ${key}`);
    assert.equal(s3Url(target(prefix), key), `s3://images/${expected}`);
  }
});

test("parts are 8 MiB, or larger when a file would need more than 10,000 of them", () => {
  assert.equal(partSizeFor(0), 8 * MIB);
  assert.equal(partSizeFor(80_000 * MIB), 8 * MIB);
  assert.equal(partSizeFor(80_000 * MIB + 1), 9 * MIB);
  const huge = 200 * 1024 * MIB;
  assert.ok(Math.ceil(huge / partSizeFor(huge)) <= 10_000);
  assert.equal(partSizeFor(huge) % MIB, 0);
});
