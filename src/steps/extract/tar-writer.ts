import { encodePaxRecords } from "./pax-records.js";
import type { EntryType, TarEntry } from "./tar-entry.js";
import {
  blockSize,
  checksumOf,
  field,
  octalLimit,
  paddingFor,
  writeOctal,
  writeString,
} from "./tar-header-fields.js";

const typeflags: Record<EntryType, string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  chardev: "3",
  blockdev: "4",
  directory: "5",
  fifo: "6",
};

/** Two zero blocks end a tar archive. */
export const tarTrailer = Buffer.alloc(2 * blockSize);

/** Zero bytes that round a body of `size` up to whole blocks. */
export function tarPadding(size: number): Buffer {
  return zeros.subarray(0, paddingFor(size));
}
const zeros = Buffer.alloc(blockSize);

/**
 * The header blocks for `entry`: a pax extended header when the entry needs one (xattrs, ACLs,
 * large numbers), GNU long-name/long-link records for names beyond ustar's fields, then the ustar
 * header. Names are the guest's raw bytes. They go into ustar fields or GNU long names, never pax
 * "path" records: those are defined as UTF-8, so bsdtar and GNU tar convert them to the locale
 * (and fail on names that are not UTF-8), and GNU tar ignores the hdrcharset=BINARY escape.
 * Written into one buffer: this runs for every entry of the guest (nearly all carry pax atime and
 * ctime), so it avoids a buffer per block.
 */
export function encodeTarHeader(entry: TarEntry): Buffer {
  const name = entry.path === "." ? "./" : `./${entry.path}${entry.type === "directory" ? "/" : ""}`;
  const linkname =
    entry.type === "hardlink" ? `./${entry.linkTarget}` : entry.type === "symlink" ? entry.linkTarget : "";
  const split = splitUstarName(name);
  const records: [string, Buffer][] = [];
  if (entry.size > octalLimit("size")) records.push(["size", latin1(String(entry.size))]);
  if (entry.uid > octalLimit("uid")) records.push(["uid", latin1(String(entry.uid))]);
  if (entry.gid > octalLimit("gid")) records.push(["gid", latin1(String(entry.gid))]);
  records.push(...entry.extended);

  const extensions: [typeflag: "x" | "L" | "K", body: Buffer][] = [];
  if (records.length > 0) extensions.push(["x", encodePaxRecords(records)]);
  if (!split) extensions.push(["L", latin1(`${name}\0`)]);
  if (linkname.length > field.linkname[1]) extensions.push(["K", latin1(`${linkname}\0`)]);
  const size = extensions.reduce(
    (sum, [, body]) => sum + blockSize + body.length + paddingFor(body.length),
    0,
  );
  const out = Buffer.alloc(size + blockSize);
  let at = 0;
  for (const [typeflag, body] of extensions) {
    const base = entry.path.slice(entry.path.lastIndexOf("/") + 1).slice(0, 80);
    writeUstar(out.subarray(at, at + blockSize), {
      names: { prefix: "", name: typeflag === "x" ? `./PaxHeaders/${base}` : "././@LongLink" },
      typeflag,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: body.length,
      mtime: 0,
      linkname: "",
    });
    body.copy(out, at + blockSize);
    at += blockSize + body.length + paddingFor(body.length);
  }
  writeUstar(out.subarray(at), {
    names: split ?? { prefix: "", name: name.slice(0, field.name[1]) },
    typeflag: typeflags[entry.type],
    mode: entry.mode & 0o7777,
    uid: entry.uid,
    gid: entry.gid,
    size: entry.type === "file" ? entry.size : 0,
    mtime: entry.mtime,
    linkname: linkname.slice(0, field.linkname[1]),
    ...((entry.type === "chardev" || entry.type === "blockdev") && {
      device: { major: entry.devMajor, minor: entry.devMinor },
    }),
  });
  return out;
}

interface UstarFields {
  names: { prefix: string; name: string };
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  device?: { major: number; minor: number };
}

/** Fills a zeroed 512-byte block. */
function writeUstar(block: Buffer, fields: UstarFields): void {
  writeString(block, "name", fields.names.name);
  writeOctal(block, "mode", fields.mode);
  writeOctal(block, "uid", fields.uid);
  writeOctal(block, "gid", fields.gid);
  writeOctal(block, "size", fields.size);
  writeOctal(block, "mtime", fields.mtime);
  writeString(block, "typeflag", fields.typeflag);
  writeString(block, "linkname", fields.linkname);
  writeString(block, "magic", "ustar\0");
  writeString(block, "version", "00");
  if (fields.device) {
    writeOctal(block, "devmajor", fields.device.major);
    writeOctal(block, "devminor", fields.device.minor);
  }
  writeString(block, "prefix", fields.names.prefix);
  const checksum = checksumOf(block);
  block.write(checksum.toString(8).padStart(6, "0") + "\0 ", field.checksum[0], 8, "latin1");
}

/** Fits a name into ustar's name (100 bytes) + prefix (155 bytes), split at a "/"; else undefined. */
export function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (name.length <= field.name[1]) return { prefix: "", name };
  for (let slash = name.indexOf("/"); slash !== -1; slash = name.indexOf("/", slash + 1)) {
    if (slash > field.prefix[1]) return undefined;
    const rest = name.length - slash - 1;
    if (rest > 0 && rest <= field.name[1])
      return { prefix: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  return undefined;
}

function latin1(text: string): Buffer {
  return Buffer.from(text, "latin1");
}
