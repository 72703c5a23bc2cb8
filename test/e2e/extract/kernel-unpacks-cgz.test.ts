// Boots the host's kernel on a cgz written by our newc writer, to show that the kernel's own
// initramfs unpacker (not just GNU cpio) recreates hard links from the data-first layout, and that a
// split-off modules archive appended as a second initrd unpacks on top of the first.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { NewcArchive } from "../../../src/steps/extract/newc-archive.js";
import type { TarEntry } from "../../../src/steps/extract/tar-entry.js";

const busybox = "/bin/busybox"; // static in Debian's busybox package
const kernel = readdirSync("/boot")
  .filter((name) => name.startsWith("vmlinuz-"))
  .map((name) => path.join("/boot", name))
  .at(-1);
const missing = [
  !existsSync(busybox) && "a static /bin/busybox",
  !kernel && "a kernel in /boot",
  !hasProgram("qemu-system-x86_64") && "qemu-system-x86_64",
].filter(Boolean);

const init = `#!/bin/busybox sh
/bin/busybox stat -c '%n nlink=%h ino=%i size=%s' /data/a /data/b /data/c
/bin/busybox cat /data/c
/bin/busybox ls /lib/modules/6.0-test/kernel
/bin/busybox echo UNPACK-TEST-DONE
/bin/busybox poweroff -f
`;

test(
  "the kernel unpacks hard links and a second (modules) archive from our cgz",
  { skip: missing.length > 0 && `needs ${missing.join(", ")}` },
  async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "kernel-cgz-"));
    try {
      const hello = Buffer.from("data stored once, with the first name\n");
      const main = cpio(new Map([["data/a", 3]]), [
        [entry(".", { type: "directory", mode: 0o755 })],
        [entry("bin", { type: "directory", mode: 0o755 })],
        [entry("bin/busybox", { mode: 0o755 }), readFileSync(busybox)],
        [entry("init", { mode: 0o755 }), Buffer.from(init)],
        [entry("dev", { type: "directory", mode: 0o755 })],
        [entry("dev/console", { type: "chardev", mode: 0o600, devMajor: 5, devMinor: 1 })],
        [entry("data", { type: "directory", mode: 0o755 })],
        [entry("data/a"), hello],
        [entry("data/other"), Buffer.from("xyz")],
        [entry("data/b", { type: "hardlink", linkTarget: "data/a" })],
        [entry("data/c", { type: "hardlink", linkTarget: "data/a" })],
        [entry("lib", { type: "directory", mode: 0o755 })],
        [entry("lib/modules", { type: "directory", mode: 0o755 })],
      ]);
      const modules = cpio(new Map(), [
        [entry("lib", { type: "directory", mode: 0o755 })],
        [entry("lib/modules", { type: "directory", mode: 0o755 })],
        [entry("lib/modules/6.0-test", { type: "directory", mode: 0o755 })],
        [entry("lib/modules/6.0-test/kernel", { type: "directory", mode: 0o755 })],
        [entry("lib/modules/6.0-test/kernel/dummy.ko"), Buffer.from("module")],
      ]);
      const initrd = path.join(dir, "initrd");
      await writeFile(initrd, Buffer.concat([gzip(main), gzip(modules)]));
      const console = execFileSync(
        "qemu-system-x86_64",
        [
          ...[
            "-accel",
            "tcg",
            "-m",
            "512",
            "-nographic",
            "-no-reboot",
            "-kernel",
            kernel ?? "",
            "-initrd",
            initrd,
          ],
          ...["-append", "console=ttyS0 rdinit=/init panic=-1 quiet"],
        ],
        { encoding: "utf8", timeout: 240_000, input: "" },
      );
      assert.match(console, /UNPACK-TEST-DONE/, console);
      const stats = [...console.matchAll(/\/data\/(\w) nlink=(\d+) ino=(\d+) size=(\d+)/g)].map((m) =>
        m.slice(1),
      );
      assert.equal(stats.length, 3, console);
      assert.deepEqual(
        new Set(stats.map(([, nlink, ino, size]) => `${nlink}/${ino}/${size}`)).size,
        1,
        "one inode",
      );
      assert.equal(stats[0]?.[1], "3");
      assert.equal(stats[0]?.[3], String(hello.length));
      assert.match(console, /data stored once, with the first name/);
      assert.match(console, /dummy\.ko/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

function entry(path: string, changes: Partial<TarEntry> = {}): TarEntry {
  const base = { path, type: "file", mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1_700_000_000 } as const;
  return { ...base, linkTarget: "", devMajor: 0, devMinor: 0, extended: new Map(), ...changes };
}

function cpio(links: ReadonlyMap<string, number>, list: [TarEntry, Buffer?][]): Buffer {
  const archive = new NewcArchive(links);
  const parts: Buffer[] = [];
  for (const [item, body] of list) {
    parts.push(archive.header({ ...item, size: body?.length ?? 0 }));
    if (body) parts.push(body, archive.padding(body.length));
  }
  return Buffer.concat([...parts, archive.trailer()]);
}

function gzip(data: Buffer): Buffer {
  return execFileSync("pigz", ["-6", "-c"], { input: data });
}

function hasProgram(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
