/** One member of a cpio archive; paths are relative to the archive root ("bin/sh", not "/bin/sh"). */
export type CpioEntry =
  | { type: "file"; path: string; data: Buffer; mode?: number }
  | { type: "dir"; path: string; mode?: number }
  | { type: "symlink"; path: string; target: string }
  | { type: "char"; path: string; major: number; minor: number; mode?: number };

const typeBits = { file: 0o100000, dir: 0o040000, symlink: 0o120000, char: 0o020000 } as const;
const defaultPermissions = { file: 0o644, dir: 0o755, symlink: 0o777, char: 0o600 } as const;

/**
 * An uncompressed cpio archive in the "newc" format the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst). Owned by root, mtime 0.
 */
export function newcArchive(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, index) => parts.push(...member(entry, index + 1)));
  parts.push(...member({ type: "file", path: "TRAILER!!!", data: Buffer.alloc(0), mode: 0 }, 0, true));
  return Buffer.concat(parts);
}

function member(entry: CpioEntry, inode: number, trailer = false): Buffer[] {
  const name = Buffer.from(`${entry.path.replace(/^\/+/, "")}\0`);
  const data = contentOf(entry);
  const permissions =
    entry.type === "symlink" ? defaultPermissions.symlink : (entry.mode ?? defaultPermissions[entry.type]);
  const fields = [
    inode,
    trailer ? 0 : typeBits[entry.type] | (permissions & 0o7777),
    0, // uid
    0, // gid
    entry.type === "dir" ? 2 : 1, // nlink
    0, // mtime
    data.length,
    0, // devmajor
    0, // devminor
    entry.type === "char" ? entry.major : 0,
    entry.type === "char" ? entry.minor : 0,
    name.length,
    0, // check
  ];
  const header = Buffer.from(`070701${fields.map((n) => n.toString(16).padStart(8, "0")).join("")}`, "ascii");
  return [header, name, padding(header.length + name.length), data, padding(data.length)];
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

function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}
