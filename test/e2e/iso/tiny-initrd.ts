// A minimal initramfs (newc cpio) whose /init prints the kernel command line and powers off.
import { readFile } from "node:fs/promises";
import { newcArchive } from "../../../src/steps/verify/newc-cpio.js";

const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "ROOTFS-CMDLINE: $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
`;

export const CMDLINE_MARKER = "ROOTFS-CMDLINE: ";

/** Builds the initramfs around a statically linked busybox (Debian package busybox-static). */
export async function tinyInitrd(busybox = "/bin/busybox"): Promise<Buffer> {
  return newcArchive([
    { type: "dir", path: "bin" },
    { type: "dir", path: "proc" },
    { type: "file", path: "bin/busybox", mode: 0o755, data: await readFile(busybox) },
    { type: "file", path: "init", mode: 0o755, data: Buffer.from(INIT_SCRIPT) },
  ]);
}
