// Generates everything this repository derives from KubeVirt's published API spec:
//
//   src/generated/kubevirt.ts                                  TypeScript types (openapi-typescript)
//   test/fixtures/kubevirt-crds/virtualmachines.kubevirt.io.yaml          structural CRD for the test apiserver
//   test/fixtures/kubevirt-crds/virtualmachineinstances.kubevirt.io.yaml  structural CRD for the test apiserver
//
// The spec is read from ../shared/kubevirt/ next to the repository (it is never copied into the repo).
//
// Usage (after `npm run build`):
//   node dist/scripts/gen-kubevirt.js           write the files
//   node dist/scripts/gen-kubevirt.js --check   regenerate in memory; exit 1 if a committed file differs
// or simply `npm run gen:kubevirt`.

import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generateCrds } from "./kubevirt-crd/generate-crds.js";
import { loadSpec, repoRoot } from "./kubevirt-spec.js";
import { TYPES_FILE, generateTypes } from "./kubevirt-types/generate-types.js";

/** Every generated file, repository-relative path -> content. */
export async function generateAll(root = repoRoot()): Promise<Map<string, string>> {
  const spec = loadSpec(root);
  const files = new Map<string, string>();
  files.set(TYPES_FILE, await generateTypes(spec));
  for (const [file, { yaml }] of await generateCrds(spec, root)) files.set(file, yaml);
  return files;
}

/** Paths (repository-relative) whose committed content differs from `files`. */
export function staleFiles(files: Map<string, string>, root = repoRoot()): string[] {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    if (!existsSync(abs) || readFileSync(abs, "utf8") !== content) stale.push(file);
  }
  return stale;
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`usage: node dist/scripts/gen-kubevirt.js [--check]   (unknown: ${unknown.join(" ")})`);
    return 2;
  }
  const root = repoRoot();
  const files = await generateAll(root);
  if (argv.includes("--check")) {
    const stale = staleFiles(files, root);
    if (stale.length > 0) {
      console.error(
        `gen-kubevirt: generated files are out of date:\n  ${stale.join("\n  ")}\nRun \`npm run gen:kubevirt\` and commit the result.`,
      );
      return 1;
    }
    console.log(`gen-kubevirt: ${files.size} generated files are up to date.`);
    return 0;
  }
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    console.log(`wrote ${file} (${Buffer.byteLength(content)} bytes)`);
  }
  return 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
