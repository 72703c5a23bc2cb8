import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";

export async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function hashFile(file: string, hash: Hash, onBytes?: (n: number) => void): Promise<void> {
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFile(file, hash);
  return hash.digest("hex");
}

/**
 * Removes a tree, including directories a non-root extract left without write permission (a guest's
 * 0555 /usr, say), which rm alone cannot empty.
 */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
    await makeDirsWritable(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

async function makeDirsWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeDirsWritable(path.join(dir, entry.name));
  }
}
