import { chmod } from "node:fs/promises";
import { join } from "node:path";
import { runTool } from "./tool.js";

/** Progress percentage from a `-pacifier mkisofs` line: "xorriso : UPDATE :  42.17% done, estimate finish …". */
export function parseXorrisoProgress(line: string): number | undefined {
  const match = /UPDATE\s*:\s*(\d+(?:\.\d+)?)% done/.exec(line);
  return match ? Number(match[1]) : undefined;
}

/**
 * Copies files out of an ISO without mounting it. Returns the local path of each ISO path; the
 * copies are made writable (ISO files are often read-only).
 */
export async function extractFromIso(
  iso: string,
  paths: readonly string[],
  dir: string,
): Promise<Map<string, string>> {
  const locals = new Map(
    paths.map((path, index) => [path, join(dir, `${index}-${path.replace(/[^\w.-]+/g, "_")}`)]),
  );
  if (locals.size === 0) return locals;
  const args = ["-osirrox", "on", "-indev", iso];
  for (const [path, local] of locals) args.push("-extract", `/${path}`, local);
  await runTool("xorriso", args, { doing: `extract the boot configuration from ${iso}` });
  await Promise.all([...locals.values()].map((local) => chmod(local, 0o644)));
  return locals;
}
