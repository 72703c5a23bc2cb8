// Writes crds/*.yaml and docs/reference.md from the zod schemas in src/api. With --check, writes nothing and exits 1 when
// the committed files differ from what the schemas produce.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderApiFiles } from "../src/api/crd-files.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const check = process.argv.includes("--check");
let stale = 0;
for (const file of renderApiFiles()) {
  const target = path.join(repoRoot, file.path);
  if (!check) {
    await writeFile(target, file.content);
    console.log(`Wrote ${file.path}`);
    continue;
  }
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== file.content) {
    console.error(`${file.path} is out of date: run npm run gen:crds`);
    stale++;
  }
}
process.exit(stale > 0 ? 1 : 0);
