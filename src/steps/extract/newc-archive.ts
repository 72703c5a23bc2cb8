import { encodeNewcHeader, fileTypeBits, newcPadding, newcTrailer, type NewcHeader } from "./newc-header.js";
import { displayPath, type TarEntry } from "./tar-entry.js";

/**
 * Turns tar entries into newc cpio entries in one pass, assigning inode numbers and hard links.
 *
 * Hard links: the kernel's initramfs unpacker links an entry to an earlier one only if BOTH carry
 * c_nlink >= 2 and the same ino, and it opens the first name of an inode with O_TRUNC. In tar the
 * first name of an inode arrives as a plain file (with the data) and later names as link entries,
 * so the first header must already say nlink >= 2 — which the stream cannot tell us. The caller
 * therefore passes `linkCounts` (path → st_nlink for every non-directory with several names), listed
 * in the guest before streaming. The first name is written with its data and the real nlink; later
 * names reuse its ino with size 0. The kernel, GNU cpio and libarchive all link such data-first
 * groups. (Giving every file nlink 2 instead would cost the kernel ~8 KiB of hash entry per file.)
 */
export class NewcArchive {
  private nextIno = 1;
  private readonly firstNames = new Map<string, { header: NewcHeader; symlinkTarget?: Buffer }>();

  constructor(private readonly linkCounts: ReadonlyMap<string, number>) {}

  /** Header (+ name + padding) for `entry`; for symlinks also the target as body, padded. */
  header(entry: TarEntry): Buffer {
    if (entry.type === "hardlink") return this.linkHeader(entry);
    if (entry.type === "file" && entry.size > 0xffffffff) {
      throw new Error(
        `${displayPath(entry.path)} is ${entry.size} bytes, more than a newc cpio can hold (4 GiB); leave it out of the cgz or disable the cgz output`,
      );
    }
    const body = entry.type === "symlink" ? Buffer.from(entry.linkTarget, "latin1") : undefined;
    const linkCount = this.linkCounts.get(entry.path);
    const header: NewcHeader = {
      name: entry.path,
      ino: this.nextIno++,
      mode: fileTypeBits[entry.type] | (entry.mode & 0o7777),
      uid: entry.uid,
      gid: entry.gid,
      nlink: entry.type === "directory" ? 2 : entry.type === "symlink" ? 1 : (linkCount ?? 1),
      mtime: entry.mtime,
      size: body ? body.length : entry.type === "file" ? entry.size : 0,
      rdevMajor: entry.devMajor,
      rdevMinor: entry.devMinor,
    };
    if (linkCount !== undefined && linkCount >= 2) {
      this.firstNames.set(entry.path, { header, symlinkTarget: body });
    }
    return encodeWithBody(header, body);
  }

  /** Padding after a regular file's data. */
  padding(size: number): Buffer {
    return newcPadding(size);
  }

  trailer(): Buffer {
    return newcTrailer();
  }

  private linkHeader(entry: TarEntry): Buffer {
    const first = this.firstNames.get(entry.linkTarget);
    if (!first) {
      throw new Error(
        `hard link ${displayPath(entry.path)} → ${displayPath(entry.linkTarget)}: the first name is not in this cpio archive or was not listed as multiply linked, so the initramfs could not recreate the link`,
      );
    }
    // The kernel never links symlinks, so each name of a hard-linked symlink becomes its own copy.
    if (first.symlinkTarget) {
      return encodeWithBody({ ...first.header, name: entry.path, ino: this.nextIno++ }, first.symlinkTarget);
    }
    return encodeNewcHeader({ ...first.header, name: entry.path, size: 0 });
  }
}

function encodeWithBody(header: NewcHeader, body: Buffer | undefined): Buffer {
  const encoded = encodeNewcHeader(header);
  return body ? Buffer.concat([encoded, body, newcPadding(body.length)]) : encoded;
}
