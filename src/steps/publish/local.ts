import { mkdir, readdir, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { StepFailure } from "../../reasons/step-failure.js";
import { makeDirInside } from "./contained.js";
import type { LayoutPlan, StagedOutput } from "./layout.js";

/**
 * Carries out a layout plan: staged outputs are renamed into place (same filesystem, so each
 * appears whole or not at all), links are replaced atomically, and the manifest goes last — its
 * presence is what marks the output as complete. An older manifest at the same place is removed
 * first, so a publish interrupted half-way never looks finished.
 */
export async function publishLocal(
  outDir: string,
  staged: ReadonlyMap<StagedOutput, string>,
  plan: LayoutPlan,
  manifest: unknown,
  /** When set, every place written lies inside this directory by real path (see contained.ts). */
  containedIn?: string,
): Promise<void> {
  const makeDir = (dir: string) =>
    containedIn ? makeDirInside(containedIn, dir) : mkdir(dir, { recursive: true });
  try {
    const manifestPath = path.join(outDir, plan.manifest);
    await makeDir(path.dirname(manifestPath));
    await rm(manifestPath, { force: true });
    for (const { from, to } of plan.moves) {
      const target = path.join(outDir, to);
      await makeDir(path.dirname(target));
      const source = staged.get(from);
      if (!source) throw new Error(`${from} was not produced`);
      await replace(source, target);
    }
    for (const link of plan.links) {
      const linkPath = path.join(outDir, link.path);
      await makeDir(path.dirname(linkPath));
      const temp = `${linkPath}.tmp-${process.pid}`;
      await rm(temp, { force: true });
      await symlink(link.target, temp);
      await rename(temp, linkPath);
    }
    await rm(`${manifestPath}.tmp`, { force: true });
    // "wx": a file (or a link) that appeared at the temporary name is never written through.
    await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`, { flag: "wx" });
    await rename(`${manifestPath}.tmp`, manifestPath);
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    throw new StepFailure(
      "PublishFailed",
      `Cannot publish into ${outDir}: ${err instanceof Error ? err.message : String(err)}; check that the output directory is writable and has space`,
      { cause: err },
    );
  }
}

/** Renames `from` onto `to`, moving an older output out of the way first (directories can't be renamed over). */
async function replace(from: string, to: string): Promise<void> {
  const old = await stat(to).then(
    () => true,
    () => false,
  );
  if (!old) return rename(from, to);
  const trash = `${to}.old-${process.pid}`;
  await rename(to, trash);
  await rename(from, to);
  await rm(trash, { recursive: true, force: true });
}

/** File names in a directory, or none when it doesn't exist yet. */
export async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}
