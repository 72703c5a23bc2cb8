// A minimal initramfs (newc cpio) whose /init prints the kernel command line and powers off.
import { readFile } from "node:fs/promises";

const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "ROOTFS-CMDLINE: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
`;

export const CMDLINE_MARKER = "ROOTFS-CMDLINE: ";

interface CpioEntry {
  name: string;
  mode: number;
  data: Buffer;
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function cpioRecord(entry: CpioEntry, inode: number): Buffer {
  const name = Buffer.from(`${entry.name}\0`);
  const fields = [inode, entry.mode, 0, 0, 1, 0, entry.data.length, 0, 0, 0, 0, name.length, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, "0")).join("")}`);
  return Buffer.concat([
    header,
    name,
    pad4(header.length + name.length),
    entry.data,
    pad4(entry.data.length),
  ]);
}

/** Builds the initramfs around a statically linked busybox (Debian package busybox-static). */
export async function tinyInitrd(busybox = "/bin/busybox"): Promise<Buffer> {
  const entries: CpioEntry[] = [
    { name: "bin", mode: 0o40755, data: Buffer.alloc(0) },
    { name: "proc", mode: 0o40755, data: Buffer.alloc(0) },
    { name: "bin/busybox", mode: 0o100755, data: await readFile(busybox) },
    { name: "init", mode: 0o100755, data: Buffer.from(INIT_SCRIPT) },
    { name: "TRAILER!!!", mode: 0, data: Buffer.alloc(0) },
  ];
  return Buffer.concat(entries.map((entry, index) => cpioRecord(entry, index + 1)));
}
