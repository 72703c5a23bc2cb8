// The "newc" cpio format (magic 070701) that the kernel's initramfs unpacker reads: a 110-byte ASCII
// header of 8-digit hex fields, the NUL-terminated name, then the body; name and body are each
// padded to a multiple of 4 bytes, and the archive ends with an entry named TRAILER!!!.

export const fileTypeBits = {
  fifo: 0o010000,
  chardev: 0o020000,
  directory: 0o040000,
  blockdev: 0o060000,
  file: 0o100000,
  symlink: 0o120000,
} as const;

export interface NewcHeader {
  /** Raw name bytes as a latin1 string, e.g. "etc/fstab". */
  name: string;
  ino: number;
  /** File type bits | permission bits. */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
}

const headerLength = 110;
const maxField = 0xffffffff;

export function encodeNewcHeader(header: NewcHeader): Buffer {
  const nameSize = Buffer.byteLength(header.name, "latin1") + 1;
  const fields = [
    header.ino,
    header.mode,
    header.uid,
    header.gid,
    header.nlink,
    header.mtime,
    header.size,
    0, // devmajor: one synthetic device for every entry
    0, // devminor
    header.rdevMajor,
    header.rdevMinor,
    nameSize,
    0, // check: only the 070702 ("crc") variant uses it
  ];
  const total = headerLength + nameSize + newcPaddingLength(headerLength + nameSize);
  const block = Buffer.alloc(total);
  let text = "070701";
  for (const value of fields) {
    if (!Number.isInteger(value) || value < 0 || value > maxField) {
      throw new RangeError(`${displayName(header.name)}: value ${value} does not fit a newc cpio header`);
    }
    text += value.toString(16).toUpperCase().padStart(8, "0");
  }
  block.write(text, 0, "latin1");
  block.write(header.name, headerLength, "latin1");
  return block;
}

export function newcPaddingLength(size: number): number {
  return (4 - (size % 4)) % 4;
}

export function newcPadding(size: number): Buffer {
  return Buffer.alloc(newcPaddingLength(size));
}

export function newcTrailer(): Buffer {
  return encodeNewcHeader({
    name: "TRAILER!!!",
    ino: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    nlink: 1,
    mtime: 0,
    size: 0,
    rdevMajor: 0,
    rdevMinor: 0,
  });
}

function displayName(name: string): string {
  return Buffer.from(name, "latin1").toString("utf8");
}
