import { copyFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { checkScript, checkScriptPath } from "./check-script.js";
import { appendToInitramfs, newcArchive, type CpioEntry } from "./newc-cpio.js";
import { systemdCheckEntries } from "./systemd-check.js";
import type { VerifyMode } from "./types.js";

/** The cpio that adds the check (and a console device node, in case the rootfs lacks one). */
export function checkArchive(mode: VerifyMode = "shell"): Buffer {
  const check: CpioEntry[] =
    mode === "shell"
      ? [{ type: "file", path: checkScriptPath, data: Buffer.from(checkScript), mode: 0o755 }]
      : systemdCheckEntries();
  return gzipSync(
    newcArchive([
      { type: "dir", path: "dev" },
      { type: "char", path: "dev/console", major: 5, minor: 1 },
      ...check,
    ]),
  );
}

/** Writes the rootfs cgz followed by the check archive to `target`. */
export async function buildVerifyInitrd(
  cgz: string,
  target: string,
  mode: VerifyMode = "shell",
): Promise<void> {
  await copyFile(cgz, target);
  await appendToInitramfs(target, checkArchive(mode));
}
