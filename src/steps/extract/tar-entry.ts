/**
 * One file-system object from the guest, as read from the tar stream.
 *
 * Paths are "byte strings": each char is one byte of the guest's name (latin1), so names that are not
 * valid UTF-8 survive the round trip. They are relative, without "./", and the root is ".".
 */
export interface TarEntry {
  path: string;
  type: EntryType;
  /** Permission bits including setuid, setgid and sticky (07777); the type is in `type`. */
  mode: number;
  uid: number;
  gid: number;
  /** Body length in bytes; only regular files have one. */
  size: number;
  /** Seconds since the epoch (whole seconds; finer pax times stay in `extended`). */
  mtime: number;
  /** Symlink target as written, or for hard links the (normalised) path of the first name. */
  linkTarget: string;
  devMajor: number;
  devMinor: number;
  /**
   * Pax records other than the ones mapped onto the fields above, values as raw bytes:
   * `SCHILY.xattr.<name>` (xattrs incl. security.capability), `SCHILY.acl.access|default`, times.
   */
  extended: Map<string, Buffer>;
}

export type EntryType = "file" | "hardlink" | "symlink" | "chardev" | "blockdev" | "directory" | "fifo";

export const xattrPrefix = "SCHILY.xattr.";

/** "./etc/fstab" → "etc/fstab", "./" → ".", "usr/" → "usr". */
export function normalisePath(name: string): string {
  let path = name;
  while (path.startsWith("./")) path = path.slice(2);
  while (path.startsWith("/")) path = path.slice(1);
  while (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path === "" || path === "." ? "." : path;
}

/** The path as UTF-8 text for messages and host file names (guest names are UTF-8 in practice). */
export function displayPath(path: string): string {
  return Buffer.from(path, "latin1").toString("utf8");
}
