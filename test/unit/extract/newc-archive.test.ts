import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { lstat, mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { NewcArchive } from "../../../src/steps/extract/newc-archive.js";
import type { TarEntry } from "../../../src/steps/extract/tar-entry.js";
import { tarEntry } from "./entries.js";

const isRoot = process.getuid?.() === 0;
const gzipData = Buffer.from("gzip binary\n");
/** Entry paths are byte strings: each char one byte of the (UTF-8) name. */
const oddName = Buffer.from("usr/bin/odd name é", "utf8").toString("latin1");

// The order GNU tar streams them: the first name of a hard-linked inode carries the data, later
// names are link entries.
const entries: [TarEntry, Buffer?][] = [
  [tarEntry(".", { type: "directory", mode: 0o555 })],
  [tarEntry("usr", { type: "directory", mode: 0o755 })],
  [tarEntry("usr/bin", { type: "directory", mode: 0o755 })],
  [tarEntry("usr/bin/gzip", { mode: 0o755, size: gzipData.length }), gzipData],
  [tarEntry("usr/bin/gunzip", { type: "hardlink", linkTarget: "usr/bin/gzip", mode: 0o755 })],
  [tarEntry("usr/bin/zcat", { type: "hardlink", linkTarget: "usr/bin/gzip", mode: 0o755 })],
  [tarEntry("usr/bin/passwd", { mode: 0o4755, size: 3 }), Buffer.from("pw\n")],
  [tarEntry("usr/bin/compress", { type: "symlink", linkTarget: "gzip", mode: 0o777 })],
  [tarEntry(oddName, { uid: 1000, gid: 1000, size: 1 }), Buffer.from("x")],
  [tarEntry("dev", { type: "directory", mode: 0o755 })],
  [tarEntry("dev/null", { type: "chardev", mode: 0o666, devMajor: 1, devMinor: 3 })],
  [tarEntry("dev/sda", { type: "blockdev", mode: 0o660, gid: 6, devMajor: 8, devMinor: 0 })],
  [tarEntry("dev/initctl", { type: "fifo", mode: 0o600 })],
];
const linkCounts = new Map([["usr/bin/gzip", 3]]);

function cpioOf(list: [TarEntry, Buffer?][], links: ReadonlyMap<string, number>): Buffer {
  const archive = new NewcArchive(links);
  const parts: Buffer[] = [];
  for (const [entry, body] of list) {
    parts.push(archive.header(entry));
    if (body) parts.push(body, archive.padding(body.length));
  }
  parts.push(archive.trailer());
  return Buffer.concat(parts);
}

let dir = "";
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "newc-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("GNU cpio lists every entry with its type, mode, owner and link count", () => {
  const listing = execFileSync("cpio", ["-itv", "--quiet", "--numeric-uid-gid"], {
    input: cpioOf(entries, linkCounts),
  }).toString("utf8");
  const line = (name: string) =>
    listing.split("\n").find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? "";
  assert.match(line("usr/bin/gzip"), /^-rwxr-xr-x\s+3\s+0\s+0\s+12\s/);
  assert.match(line("usr/bin/gunzip"), /^-rwxr-xr-x\s+3\s+0\s+0\s+0\s/);
  assert.match(line("usr/bin/passwd"), /^-rwsr-xr-x\s+1\s/);
  assert.match(line("usr/bin/compress"), /^lrwxrwxrwx .* usr\/bin\/compress -> gzip$/);
  assert.match(line("usr/bin/odd name é"), /^-rw-r--r--\s+1\s+1000\s+1000\s/);
  assert.match(line("dev/null"), /^crw-rw-rw-\s+1\s+0\s+0\s+1,\s+3\s/);
  assert.match(line("dev/sda"), /^brw-rw----\s+1\s+0\s+6\s+8,\s+0\s/);
  assert.match(line("dev/initctl"), /^prw-------/);
  assert.equal(listing.split("\n").filter(Boolean).length, entries.length);
});

test("GNU cpio extracts hard links as one inode with the data, symlinks and special files", async () => {
  const out = path.join(dir, "extracted");
  execFileSync(
    "sh",
    ["-c", `mkdir "$1" && cd "$1" && cpio -idm --quiet --no-absolute-filenames`, "sh", out],
    {
      input: cpioOf(
        isRoot ? entries : entries.filter(([e]) => e.type !== "chardev" && e.type !== "blockdev"),
        linkCounts,
      ),
    },
  );
  const names = ["gzip", "gunzip", "zcat"].map((name) => path.join(out, "usr/bin", name));
  const stats = await Promise.all(names.map((name) => lstat(name)));
  assert.deepEqual(new Set(stats.map((s) => s.ino)).size, 1);
  assert.deepEqual(
    stats.map((s) => s.nlink),
    [3, 3, 3],
  );
  assert.deepEqual(await readFile(names[1] ?? ""), gzipData);
  assert.equal(await readlink(path.join(out, "usr/bin/compress")), "gzip");
  assert.equal((await lstat(path.join(out, "usr/bin/passwd"))).mode & 0o7777, 0o4755);
  assert.ok((await lstat(path.join(out, "dev/initctl"))).isFIFO());
  if (isRoot) {
    const sda = await lstat(path.join(out, "dev/sda"));
    assert.ok(sda.isBlockDevice());
    assert.equal(sda.rdev, (8 << 8) | 0);
    assert.equal((await lstat(path.join(out, "usr/bin/odd name é"))).uid, 1000);
  }
});

test("hard link names share the first name's inode number and link count, with no data", () => {
  const archive = new NewcArchive(linkCounts);
  const first = archive.header(tarEntry("usr/bin/gzip", { mode: 0o755, size: 12 })).toString("latin1");
  const later = archive
    .header(tarEntry("usr/bin/gunzip", { type: "hardlink", linkTarget: "usr/bin/gzip" }))
    .toString("latin1");
  const field = (header: string, index: number) => header.slice(6 + index * 8, 14 + index * 8);
  assert.equal(field(later, 0), field(first, 0)); // ino
  assert.equal(field(later, 1), "000081ED"); // the first name's mode
  assert.equal(field(later, 4), "00000003"); // nlink
  assert.equal(field(later, 6), "00000000"); // filesize
});

test("files without other names get nlink 1 and their own inode", () => {
  const archive = new NewcArchive(new Map());
  const a = archive.header(tarEntry("a", { size: 1 })).toString("latin1");
  const b = archive.header(tarEntry("b", { size: 1 })).toString("latin1");
  assert.notEqual(a.slice(6, 14), b.slice(6, 14));
  assert.equal(a.slice(38, 46), "00000001");
});

test("each name of a hard-linked symlink becomes its own symlink (the kernel never links symlinks)", () => {
  const archive = new NewcArchive(new Map([["s1", 2]]));
  archive.header(tarEntry("s1", { type: "symlink", linkTarget: "target" }));
  const copy = archive.header(tarEntry("s2", { type: "hardlink", linkTarget: "s1" })).toString("latin1");
  assert.equal(copy.slice(14, 22), "0000A1A4"); // S_IFLNK | 0644
  assert.ok(copy.includes("s2\0") && copy.endsWith("target\0\0"));
});

test("a hard link whose first name was not listed as multiply linked is refused, not written empty", () => {
  const archive = new NewcArchive(new Map());
  archive.header(tarEntry("usr/bin/gzip", { size: 1 }));
  assert.throws(
    () => archive.header(tarEntry("usr/bin/gunzip", { type: "hardlink", linkTarget: "usr/bin/gzip" })),
    /could not recreate the link/,
  );
});

test("files of 4 GiB or more are refused with what to do", () => {
  assert.throws(
    () => new NewcArchive(new Map()).header(tarEntry("big", { size: 2 ** 32 })),
    /disable the cgz output/,
  );
});
