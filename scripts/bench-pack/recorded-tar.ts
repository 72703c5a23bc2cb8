// The bench disk's tar stream as the extract step reads it (guestfish tar-out with the same options),
// recorded once beside the disk: under TCG the appliance needs minutes for it, and replayed from the
// page cache it is faster than any KVM appliance. With it, the hard-link counts the extract step
// would list in the guest (path → st_nlink for names of multiply linked files).
import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import { rename, rm, stat, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { ByteReader } from "../../src/steps/extract/byte-reader.js";
import { tarOutCommand } from "../../src/steps/extract/index.js";
import { TarReader } from "../../src/steps/extract/tar-reader.js";

const run = promisify(execFile);

export interface RecordedTar {
  tar: string;
  bytes: number;
  /** JSON [[path, nlink], …] */
  links: string;
}

export async function recordedTar(
  disk: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<RecordedTar> {
  const tar = disk.replace(/\.qcow2$/, ".tar");
  const counts = `${tar}.links.json`;
  const exists = await stat(counts).then(
    () => true,
    () => false,
  );
  if (!exists) {
    log(`Recording the tar stream of ${disk} (guestfish ${tarOutCommand}; minutes under TCG)`);
    const partial = `${tar}.partial`;
    const guestfish = ["guestfish", "--ro", "--format=qcow2", "-a", disk, "-i", ...tarOutCommand.split(" ")];
    const script = `"$@" > ${JSON.stringify(partial)}`;
    await run("sh", ["-c", script, "sh", ...guestfish], { env, maxBuffer: 16 * 1024 * 1024 });
    const linkCounts = await countLinks(partial);
    await rename(partial, tar);
    await writeFile(counts, JSON.stringify([...linkCounts]));
    await rm(partial, { force: true });
  }
  return { tar, bytes: (await stat(tar)).size, links: counts };
}

/** nlink of every name of a hard-linked file: its first name plus one per link entry. */
async function countLinks(tar: string): Promise<Map<string, number>> {
  const reader = new TarReader(ByteReader.from(createReadStream(tar, { highWaterMark: 1 << 20 })));
  const links = new Map<string, number>();
  const names: [string, string][] = [];
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    if (entry.type !== "hardlink") continue;
    links.set(entry.linkTarget, (links.get(entry.linkTarget) ?? 1) + 1);
    names.push([entry.path, entry.linkTarget]);
  }
  for (const [name, target] of names) links.set(name, links.get(target) ?? 2);
  return links;
}
