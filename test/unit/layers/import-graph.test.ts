import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "../../helpers/paths.js";
import { importEdges } from "./import-edges.js";
import { backArrows, layers } from "./layers.js";

const srcDir = path.join(repoRoot, "src");

void test("every import in src/ runs down the layers, never back up or sideways", async () => {
  const edges = await importEdges(srcDir);
  assert.ok(edges.length > 500, `only ${edges.length} imports found: the scan is broken`);
  assert.deepEqual(backArrows(edges, layers), []);
});

void test("every folder and top-level file of src/ has a layer", async () => {
  const units = (await readdir(srcDir)).filter((name) => !name.startsWith("."));
  const placed = new Set(layers.flat());
  assert.deepEqual(
    units.filter((u) => !placed.has(u)),
    [],
    "add the new folder to test/unit/layers/layers.ts and docs/architecture.md",
  );
  assert.deepEqual(
    [...placed].filter((u) => !units.includes(u)),
    [],
    "a layer names a folder that is gone",
  );
});

void test("a back-arrow, a peer import and an unplaced folder are each reported", () => {
  const edges = [
    { from: "steps/fetch/index.ts", to: "plan/progress.ts" },
    { from: "plan/progress.ts", to: "steps/fetch/index.ts" },
    { from: "iso/remaster.ts", to: "installers/index.ts" },
    { from: "newfolder/x.ts", to: "lib/files.ts" },
    { from: "cli/main.ts", to: "cli/command.ts" },
  ];
  assert.deepEqual(backArrows(edges, layers), [
    "iso/remaster.ts → installers/index.ts",
    "newfolder/x.ts → lib/files.ts",
    "plan/progress.ts → steps/fetch/index.ts",
  ]);
});

void test("docs/architecture.md lists the layers in the same order, one line each", async () => {
  const doc = await readFile(path.join(repoRoot, "docs", "architecture.md"), "utf8");
  const section = doc.split(/^## /m).find((s) => s.startsWith("Layers"));
  assert.ok(section, "docs/architecture.md has a ## Layers section");
  const documented = [...section.matchAll(/^\| *(\d+) *\| *([^|]+)\|/gm)].map(([, n, units]) => ({
    n: Number(n),
    units: [...units!.matchAll(/`src\/([^`/]+)\/?`/g)].map(([, u]) => u!),
  }));
  assert.deepEqual(
    documented.map((d) => d.units),
    layers.map((l) => [...l]),
  );
  assert.deepEqual(
    documented.map((d) => d.n),
    layers.map((_, i) => i + 1),
  );
});
