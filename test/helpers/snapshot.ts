// Compares text with a committed snapshot file; UPDATE_SNAPSHOTS=1 rewrites the snapshot instead.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function assertMatchesSnapshot(snapshotsDir: string, name: string, actual: string): void {
  const file = join(snapshotsDir, name);
  if (process.env["UPDATE_SNAPSHOTS"] === "1") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(
    existsSync(file),
    `Snapshot ${file} is missing: run the tests with UPDATE_SNAPSHOTS=1 to create it`,
  );
  assert.equal(
    actual,
    readFileSync(file, "utf8"),
    `Output differs from ${file}; if intended, rerun with UPDATE_SNAPSHOTS=1`,
  );
}
