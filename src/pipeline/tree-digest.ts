import { createHash } from "node:crypto";
import { lstat, opendir, readlink } from "node:fs/promises";
import path from "node:path";

/**
 * A digest of a directory tree's shape: one line per entry (path, type and mode, owner, size, link
 * target), sorted by path. It changes when an entry is added, removed, resized, re-owned or
 * re-permissioned; file contents are covered by the cgz and tarball digests, so they are not re-read.
 */
export async function treeDigest(root: string): Promise<{ sha256: string; entries: number; bytes: number }> {
  const lines: string[] = [];
  let bytes = 0;
  for await (const [relative, full] of walk(root, "")) {
    const st = await lstat(full);
    const target = st.isSymbolicLink() ? ` -> ${await readlink(full)}` : "";
    if (st.isFile()) bytes += st.size;
    lines.push(
      `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? st.size : 0} ${relative}${target}`,
    );
  }
  lines.sort();
  const sha256 = createHash("sha256").update(lines.join("\n")).digest("hex");
  return { sha256, entries: lines.length, bytes };
}

async function* walk(root: string, relative: string): AsyncGenerator<[string, string]> {
  const dir = await opendir(path.join(root, relative));
  for await (const entry of dir) {
    const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
    yield [child, path.join(root, child)];
    if (entry.isDirectory()) yield* walk(root, child);
  }
}
