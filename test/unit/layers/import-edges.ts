import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { ImportEdge } from "./layers.js";

// Static `import … from`, `export … from` and dynamic `import("…")` with a relative specifier; type-only
// imports count too (a type is a dependency a reader follows).
const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

/** Every relative import between the TypeScript modules under `srcDir`, as src/-relative paths. */
export async function importEdges(srcDir: string): Promise<ImportEdge[]> {
  const edges: ImportEdge[] = [];
  for (const file of await tsFiles(srcDir)) {
    const text = await readFile(path.join(srcDir, file), "utf8");
    for (const [, spec] of text.matchAll(specifier)) {
      const to = path.posix
        .normalize(path.posix.join(path.posix.dirname(file), spec!))
        .replace(/\.js$/, ".ts");
      edges.push({ from: file, to });
    }
  }
  return edges;
}

/** The .ts files under `dir`, as paths relative to it. */
export async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}
