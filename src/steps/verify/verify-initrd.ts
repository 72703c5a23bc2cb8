import { copyFile, appendFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { checkScript, checkScriptPath } from "./check-script.js";
import { newcArchive } from "./newc-cpio.js";

/** The cpio that adds the check script (and a console device node, in case the rootfs lacks one). */
export function checkArchive(): Buffer {
  return gzipSync(
    newcArchive([
      { type: "dir", path: "dev" },
      { type: "char", path: "dev/console", major: 5, minor: 1 },
      { type: "file", path: checkScriptPath, data: Buffer.from(checkScript), mode: 0o755 },
    ]),
  );
}

/**
 * Writes the rootfs cgz followed by the check archive to `target`. The kernel unpacks concatenated
 * archives one after another, later files winning; zero padding to a 4-byte boundary between them is
 * allowed, and keeps an uncompressed cgz's cpio alignment intact.
 */
export async function buildVerifyInitrd(cgz: string, target: string): Promise<void> {
  await copyFile(cgz, target);
  const { size } = await stat(target);
  await appendFile(target, Buffer.concat([Buffer.alloc((4 - (size % 4)) % 4), checkArchive()]));
}
