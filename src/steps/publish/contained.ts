import { lstat, mkdir, realpath } from "node:fs/promises";
import path from "node:path";
import { StepFailure } from "../../reasons/step-failure.js";

// Writes and deletes under a root shared by tenants (the local backend's --storage-dir) are checked by
// real path, not lexically: a published guest tree holds symlinks, and one (`usr/share -> /etc`, or
// `x -> ../../other-namespace`) must never carry a later build's write or delete outside its own place.

/** `dir`, resolved through every symlink, is `root` or lies below it (both resolved). */
async function isInside(root: string, resolved: string): Promise<boolean> {
  const realRoot = await realpath(root);
  return resolved === realRoot || resolved.startsWith(`${realRoot}${path.sep}`);
}

/** The nearest ancestor of `target` (or itself) that exists, without following a final symlink. */
async function nearestExisting(target: string): Promise<string> {
  for (let p = path.resolve(target); ; p = path.dirname(p)) {
    if (
      await lstat(p).then(
        () => true,
        () => false,
      )
    )
      return p;
    if (path.dirname(p) === p) return p;
  }
}

/**
 * Refuses `target` unless the directory it is in lies inside `root` by real path. The final component
 * may be a symlink: renaming onto it, or removing it, replaces the link and never follows it.
 */
export async function assertInside(root: string, target: string): Promise<void> {
  const parent = await realpath(await nearestExisting(path.dirname(path.resolve(target))));
  if (!(await isInside(root, parent))) throw outside(root, target);
}

/** mkdir -p inside `root`: the part that exists is checked by real path before anything is created. */
export async function makeDirInside(root: string, dir: string): Promise<void> {
  const existing = await realpath(await nearestExisting(dir));
  if (!(await isInside(root, existing))) throw outside(root, dir);
  await mkdir(dir, { recursive: true });
  if (!(await isInside(root, await realpath(dir)))) throw outside(root, dir);
}

/** Whether `file` exists and, resolved through every symlink, lies inside `root`. */
export async function resolvesInside(root: string, file: string): Promise<boolean> {
  const resolved = await realpath(file).catch(() => undefined);
  return resolved !== undefined && (await isInside(root, resolved));
}

function outside(root: string, target: string): StepFailure {
  return new StepFailure(
    "PublishFailed",
    `${target} leads outside ${root} through a symbolic link; refusing to write or delete there. ` +
      "Choose another spec.storage.pvc.subPath, or remove the link",
  );
}
