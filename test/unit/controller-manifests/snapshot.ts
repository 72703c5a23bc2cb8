// Compares text with a committed snapshot in ./snapshots; UPDATE_SNAPSHOTS=1 rewrites it instead.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../helpers/paths.js";

export const snapshotsDir = path.join(repoRoot, "test", "unit", "controller-manifests", "snapshots");

export function assertMatchesSnapshot(name: string, actual: string): void {
  const file = path.join(snapshotsDir, name);
  if (process.env["UPDATE_SNAPSHOTS"] === "1") {
    mkdirSync(snapshotsDir, { recursive: true });
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
