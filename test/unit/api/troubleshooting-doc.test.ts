// docs/troubleshooting.md has an entry for every failure reason a build can report, and no stale ones.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { failureReasons } from "../../../src/reasons/status-reasons.js";
import { repoRoot } from "../../helpers/paths.js";

test("docs/troubleshooting.md has one section per failure reason", async () => {
  const doc = await readFile(path.join(repoRoot, "docs", "troubleshooting.md"), "utf8");
  const headings = [...doc.matchAll(/^## (\S+)$/gm)].map((m) => m[1]);
  const reasons = Object.keys(failureReasons);
  assert.deepEqual(
    reasons.filter((r) => !headings.includes(r)),
    [],
    "failure reasons without a section",
  );
  const stale = headings.filter((h) => /^[A-Z][A-Za-z]+$/.test(h ?? "") && !reasons.includes(h ?? ""));
  assert.deepEqual(stale, [], "sections for reasons that no longer exist");
});
