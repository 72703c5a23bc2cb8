// The benchmark's disk: Debian bookworm (debootstrap --variant=minbase) plus a copy of part of the
// host's /usr (binaries, libraries, docs, already-compressed files: varied, partly compressible) up to
// ~1.5 GiB, on ext4. Built once and cached under $ROOTFS_CACHE_DIR/bench/, keyed by this file's hash.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const targetBytes = 1.5 * 1024 ** 3;
const fillerSources = ["/usr/lib", "/usr/share", "/usr/bin", "/usr/libexec", "/usr/sbin"];

export async function benchDisk(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<string> {
  const key = createHash("sha256")
    .update(await readFile(import.meta.filename))
    .digest("hex")
    .slice(0, 12);
  const cacheDir = path.join(
    process.env.ROOTFS_CACHE_DIR ?? path.join(os.homedir(), ".cache", "rootfs-operator"),
    "bench",
  );
  const disk = path.join(cacheDir, `bookworm-minbase-1.5G-${key}.qcow2`);
  if (
    await stat(disk).then(
      () => true,
      () => false,
    )
  )
    return disk;
  if (process.getuid?.() !== 0) throw new Error("building the benchmark disk needs root (debootstrap)");
  await mkdir(cacheDir, { recursive: true });
  const work = await mkdtemp(path.join(cacheDir, "building-"));
  try {
    const tree = path.join(work, "tree");
    const mirror = await debianMirror();
    log(`Running debootstrap --variant=minbase bookworm from ${mirror}`);
    await run("debootstrap", ["--variant=minbase", "bookworm", tree, mirror], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const base = await treeBytes(tree);
    log(`Adding ${((targetBytes - base) / 1024 ** 2).toFixed(0)} MiB of files from the host's /usr`);
    await addFiller(tree, targetBytes - base, work);
    log("Writing the tree onto an ext4 disk with virt-make-fs (slow without KVM)");
    const partial = path.join(work, "disk.qcow2");
    const args = ["--format=qcow2", "--type=ext4", "--partition=mbr", "--size=+768M", tree, partial];
    await run("virt-make-fs", args, { env, maxBuffer: 64 * 1024 * 1024 });
    await rename(partial, disk);
    return disk;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The Debian mirror apt already uses (deb822 "URIs:" or one-line "deb <uri> bookworm"). */
async function debianMirror(): Promise<string> {
  const dir = "/etc/apt/sources.list.d";
  const files = [
    "/etc/apt/sources.list",
    ...(await readdir(dir).catch(() => [])).map((f) => path.join(dir, f)),
  ];
  for (const file of files.filter((f) => /\.(list|sources)$/.test(f))) {
    const text = await readFile(file, "utf8").catch(() => "");
    const uri =
      /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text)?.[1] ??
      /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+bookworm\b/m.exec(text)?.[1];
    if (uri) return uri;
  }
  return "http://deb.debian.org/debian";
}

/** Copies regular files from the host's /usr into <tree>/opt/filler until `bytes` are added. */
async function addFiller(tree: string, bytes: number, work: string): Promise<void> {
  const chosen: string[] = [];
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (total >= bytes) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        total += (await stat(full)).size;
        chosen.push(full.slice(1));
      }
    }
  };
  for (const source of fillerSources) await walk(source);
  const list = path.join(work, "filler.list");
  await writeFile(list, chosen.join("\0"));
  const filler = path.join(tree, "opt", "filler");
  await mkdir(filler, { recursive: true });
  await run("sh", ["-c", 'tar -C / --null -T "$1" -cf - | tar -x -C "$2"', "sh", list, filler]);
}

async function treeBytes(tree: string): Promise<number> {
  const { stdout } = await run("du", ["-sb", tree]);
  return Number(stdout.split("\t")[0]);
}
