import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { ByteReader } from "../../../src/steps/extract/byte-reader.js";
import type { TarEntry } from "../../../src/steps/extract/tar-entry.js";
import { TarReader } from "../../../src/steps/extract/tar-reader.js";
import { encodeTarHeader, tarPadding, tarTrailer } from "../../../src/steps/extract/tar-writer.js";
import { chunked, tarEntry } from "./entries.js";

const capability = Buffer.from("0100000200200000000000000000000000000000", "hex");
const longDir = "usr/share/" + "deep-directory/".repeat(8);
const list: [TarEntry, Buffer?][] = [
  [tarEntry(".", { type: "directory", mode: 0o555 })],
  [
    tarEntry("usr/bin/ping", {
      mode: 0o755,
      size: 4,
      extended: new Map([["SCHILY.xattr.security.capability", capability]]),
    }),
    Buffer.from("ping"),
  ],
  [tarEntry("usr/bin/gunzip", { type: "hardlink", linkTarget: "usr/bin/ping" })],
  [
    tarEntry(`${longDir}a-name-that-does-not-fit-in-one-hundred-bytes-${"x".repeat(60)}.txt`, { size: 1 }),
    Buffer.from("L"),
  ],
  [tarEntry("usr/bin/long-link", { type: "symlink", mode: 0o777, linkTarget: "../" + "t".repeat(150) })],
  [tarEntry("srv/caf\xe9 \xff", { uid: 3_000_000, gid: 4_000_000, size: 0 })], // not UTF-8, uid beyond ustar
  [tarEntry("dev/sda", { type: "blockdev", mode: 0o660, devMajor: 8, devMinor: 16 })],
  [tarEntry("run/fifo", { type: "fifo", mode: 0o600 })],
  [tarEntry("usr/bin/passwd", { mode: 0o4755, size: 0 })],
];

function tarOf(entries: [TarEntry, Buffer?][]): Buffer {
  const parts = entries.flatMap(([entry, body]) => [
    encodeTarHeader(entry),
    ...(body ? [body, tarPadding(body.length)] : []),
  ]);
  return Buffer.concat([...parts, tarTrailer]);
}

async function readAll(stream: Buffer, chunkSize = 777): Promise<[TarEntry, Buffer][]> {
  const reader = new TarReader(ByteReader.from(chunked(stream, chunkSize)));
  const result: [TarEntry, Buffer][] = [];
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    const parts: Buffer[] = [];
    await reader.pipeBody((part) => {
      parts.push(Buffer.from(part));
      return undefined;
    });
    result.push([entry, Buffer.concat(parts)]);
  }
  return result;
}

let dir = "";
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tar-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("entries written by our writer read back identically, in small and large chunks", async () => {
  for (const chunkSize of [1, 511, 4096, 1 << 20]) {
    const read = await readAll(tarOf(list), chunkSize);
    assert.deepEqual(
      read.map(([entry]) => entry),
      list.map(([entry]) => entry),
      `chunks of ${chunkSize}`,
    );
    assert.deepEqual(
      read.map(([, body]) => body.toString("latin1")),
      list.map(([, body]) => body?.toString("latin1") ?? ""),
    );
  }
});

test("GNU tar reads our archives: names, owners, long names and link targets", () => {
  const listing = execFileSync("tar", ["-tvf", "-", "--numeric-owner"], { input: tarOf(list) }).toString(
    "latin1",
  );
  assert.match(listing, /^dr-xr-xr-x 0\/0 .* \.\/$/m);
  assert.match(listing, /^hrw-r--r-- 0\/0 .* \.\/usr\/bin\/gunzip link to \.\/usr\/bin\/ping$/m);
  assert.match(listing, /a-name-that-does-not-fit-in-one-hundred-bytes-x{60}\.txt$/m);
  assert.match(listing, new RegExp(`long-link -> \\.\\./t{150}$`, "m"));
  assert.match(listing, /^-rw-r--r-- 3000000\/4000000 .* \.\/srv\/caf\\351 \\377$/m); // GNU tar escapes the raw bytes
  assert.match(listing, /^brw-rw---- 0\/0\s+8,16 .* \.\/dev\/sda$/m);
  assert.match(listing, /^-rwsr-xr-x /m);
});

test("bsdtar restores our xattrs and hard links", async () => {
  const withUserXattr: [TarEntry, Buffer?][] = [
    [
      tarEntry("note", {
        size: 2,
        extended: new Map([["SCHILY.xattr.user.comment", Buffer.from([0, 0xff, 0x41])]]),
      }),
      Buffer.from("hi"),
    ],
    [tarEntry("note-link", { type: "hardlink", linkTarget: "note" })],
  ];
  const out = path.join(dir, "bsdtar");
  await mkdir(out);
  execFileSync("bsdtar", ["-x", "--xattrs", "-C", out, "-f", "-"], { input: tarOf(withUserXattr) });
  const xattr = execFileSync("getfattr", [
    "-n",
    "user.comment",
    "-e",
    "hex",
    path.join(out, "note"),
  ]).toString();
  assert.match(xattr, /user\.comment=0x00ff41/);
  assert.equal((await readFile(path.join(out, "note-link"))).toString(), "hi");
});

test("GNU tar's own archives parse: pax xattrs, hard links, symlinks, long names", async () => {
  const tree = path.join(dir, "tree");
  const long = path.join(tree, "d".repeat(90), "f".repeat(90));
  await mkdir(path.dirname(long), { recursive: true });
  await writeFile(long, "long\n");
  await writeFile(path.join(tree, "a"), "A".repeat(1000));
  await link(path.join(tree, "a"), path.join(tree, "b"));
  await symlink("a", path.join(tree, "s"));
  execFileSync("setfattr", ["-n", "user.k", "-v", "0xff00", path.join(tree, "a")]);
  const archive = execFileSync("tar", [
    "-C",
    tree,
    "-cf",
    "-",
    "--xattrs",
    "--numeric-owner",
    "--sort=name",
    ".",
  ]);
  const read = await readAll(archive, 3000);
  const byPath = new Map(read.map(([entry, body]) => [entry.path, { entry, body }]));
  assert.equal(byPath.get(".")?.entry.type, "directory");
  assert.equal(byPath.get("a")?.body.length, 1000);
  assert.deepEqual(byPath.get("a")?.entry.extended.get("SCHILY.xattr.user.k"), Buffer.from([0xff, 0]));
  assert.deepEqual([byPath.get("b")?.entry.type, byPath.get("b")?.entry.linkTarget], ["hardlink", "a"]);
  assert.deepEqual([byPath.get("s")?.entry.type, byPath.get("s")?.entry.linkTarget], ["symlink", "a"]);
  assert.equal(byPath.get(`${"d".repeat(90)}/${"f".repeat(90)}`)?.body.toString(), "long\n");
});

test("a stream cut short or with a bad header is an error, not a silent end", async () => {
  const whole = tarOf(list);
  await assert.rejects(readAll(whole.subarray(0, 1024)), /stream ended|without its end-of-archive/);
  const corrupt = Buffer.from(whole);
  corrupt[0] = 0x7a;
  await assert.rejects(readAll(corrupt), /checksum mismatch/);
});
