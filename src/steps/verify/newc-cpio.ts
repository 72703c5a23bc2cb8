import { appendFile, stat } from "node:fs/promises";
import { encodeNewcHeader, fileTypeBits, newcPadding, newcTrailer } from "../extract/newc-header.js";

/** One member of a cpio archive; paths are relative to the archive root ("bin/sh", not "/bin/sh"). */
export type CpioEntry =
  | { type: "file"; path: string; data: Buffer; mode?: number }
  | { type: "dir"; path: string; mode?: number }
  | { type: "symlink"; path: string; target: string }
  | { type: "char"; path: string; major: number; minor: number; mode?: number };

const typeBits = {
  file: fileTypeBits.file,
  dir: fileTypeBits.directory,
  symlink: fileTypeBits.symlink,
  char: fileTypeBits.chardev,
} as const;
const defaultPermissions = { file: 0o644, dir: 0o755, symlink: 0o777, char: 0o600 } as const;

/**
 * An uncompressed cpio archive in the "newc" format the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst). Owned by root, mtime 0.
 */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, index) => parts.push(...member(entry, index + 1)));
  parts.push(newcTrailer());
  return Buffer.concat(parts);
}

function member(entry: CpioEntry, ino: number): Buffer[] {
  const data = contentOf(entry);
  const permissions =
    entry.type === "symlink" ? defaultPermissions.symlink : (entry.mode ?? defaultPermissions[entry.type]);
  const header = encodeNewcHeader({
    name: entry.path.replace(/^\/+/, ""),
    ino,
    mode: typeBits[entry.type] | (permissions & 0o7777),
    uid: 0,
    gid: 0,
    nlink: entry.type === "dir" ? 2 : 1,
    mtime: 0,
    size: data.length,
    rdevMajor: entry.type === "char" ? entry.major : 0,
    rdevMinor: entry.type === "char" ? entry.minor : 0,
  });
  return [header, data, newcPadding(data.length)];
}

function contentOf(entry: CpioEntry): Buffer {
  switch (entry.type) {
    case "file":
      return entry.data;
    case "symlink":
      return Buffer.from(entry.target);
    case "dir":
    case "char":
      return Buffer.alloc(0);
  }
}

/**
 * Appends a (compressed) cpio archive to an initramfs file. The kernel unpacks concatenated archives one
 * after another, later files winning; zero padding to a 4-byte boundary between them is allowed, and keeps
 * an uncompressed archive's cpio alignment intact.
 */
export async function appendToInitramfs(file: string, archive: Buffer): Promise<void> {
  const { size } = await stat(file);
  await appendFile(file, Buffer.concat([Buffer.alloc((4 - (size % 4)) % 4), archive]));
}
