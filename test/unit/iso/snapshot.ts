// Compares text with a committed snapshot; UPDATE_SNAPSHOTS=1 rewrites the snapshot instead.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ISO_FIXTURES_DIR } from "../../helpers/iso-fixtures.js";

export const SNAPSHOTS_DIR = join(ISO_FIXTURES_DIR, "snapshots");

export function assertMatchesSnapshot(name: string, actual: string): void {
  const file = join(SNAPSHOTS_DIR, name);
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
