// removeTree() as a non-root worker runs it: a guest's read-only directories (0555 /usr) in a staging tree
// made by that same user must not stop the cleanup (nor hide the error that caused it).
import assert from "node:assert/strict";
import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { exists } from "../../../src/lib/files.js";
import { runAsNobody } from "../../helpers/as-nobody.js";
import { repoRoot } from "../../helpers/paths.js";

test("removeTree() removes a tree with 0555 directories as their non-root owner", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("needs root to run the child as another user");
  const parent = await mkdtemp(path.join(tmpdir(), "remove-tree-"));
  await chmod(parent, 0o777);
  const tree = path.join(parent, "staging");
  const files = path.join(repoRoot, "dist", "src", "lib", "files.js");
  const body = `
    const { mkdir, writeFile, chmod, rm } = fs;
    const tree = ${JSON.stringify(tree)};
    await mkdir(tree + "/usr/bin", { recursive: true });
    await writeFile(tree + "/usr/bin/sh", "#!");
    await chmod(tree + "/usr/bin", 0o555);
    await chmod(tree + "/usr", 0o555);
    const plain = await rm(tree, { recursive: true, force: true }).then(() => "removed", (e) => e.code);
    await files.removeTree(tree);
    console.log(plain);`;
  try {
    const stdout = await runAsNobody({ fs: "node:fs/promises", files }, body);
    assert.equal(stdout.trim(), "EACCES", "plain rm should fail here, or this test proves nothing");
    assert.equal(await exists(tree), false);
  } finally {
    await chown(parent, 0, 0);
    await rm(parent, { recursive: true, force: true });
  }
});
