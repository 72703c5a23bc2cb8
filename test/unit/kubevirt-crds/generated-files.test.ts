// The committed KubeVirt artefacts are what the generator produces now from ../shared/kubevirt/swagger-v1.9.0.json.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { TYPES_FILE, generateAll } from "../../../scripts/gen-kubevirt.js";
import { VMI_FILE, VM_FILE, root } from "./committed-crds.js";

test("committed KubeVirt types and CRDs are what the generator produces now", async () => {
  const files = await generateAll(root);
  assert.deepEqual([...files.keys()].sort(), [TYPES_FILE, VMI_FILE, VM_FILE].sort());
  for (const [file, expected] of files) {
    const actual = readFileSync(path.join(root, file), "utf8");
    if (actual !== expected) {
      const a = actual.split("\n");
      const e = expected.split("\n");
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(
        `${file} is stale (first difference at line ${line + 1}: ${JSON.stringify(a[line])} vs generated ${JSON.stringify(e[line])}). Run \`npm run gen:kubevirt\`.`,
      );
    }
  }
});

test("gen-kubevirt --check exits 0 on an up-to-date tree, 2 on bad usage", () => {
  const script = path.join(root, "dist/scripts/gen-kubevirt.js");
  const ok = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = spawnSync(process.execPath, [script, "--frobnicate"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
});
