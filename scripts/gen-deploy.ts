// Writes deploy/all-in-one.yaml and deploy/kustomization.yaml from the Helm chart (scripts/deploy-files.ts),
// building helm first if needed (test/harness/build-helm.sh). With --check, writes nothing and exits 1 when
// the committed files differ.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderDeployFiles } from "./deploy-files.js";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const check = process.argv.includes("--check");
const built = execFileSync("bash", [path.join(repoRoot, "test/harness/build-helm.sh")], {
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const helm = built.trim().split("\n").at(-1) ?? "";
let stale = 0;
for (const file of await renderDeployFiles(helm, repoRoot)) {
  const target = path.join(repoRoot, file.path);
  if (!check) {
    await writeFile(target, file.content);
    console.log(`Wrote ${file.path}`);
    continue;
  }
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== file.content) {
    console.error(`${file.path} is out of date: run npm run gen:deploy`);
    stale++;
  }
}
process.exit(stale > 0 ? 1 : 0);
