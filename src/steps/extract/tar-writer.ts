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

  const blocks: Buffer[] = [];
  if (records.length > 0) blocks.push(...extensionBlocks(entry.path, "x", encodePaxRecords(records)));
  if (!split) blocks.push(...extensionBlocks(entry.path, "L", latin1(`${name}\0`)));
  if (linkname.length > field.linkname[1])
    blocks.push(...extensionBlocks(entry.path, "K", latin1(`${linkname}\0`)));
  blocks.push(ustarBlock(entry, split ?? { prefix: "", name: name.slice(0, field.name[1]) }, linkname));
  return blocks.length === 1 ? (blocks[0] ?? Buffer.alloc(0)) : Buffer.concat(blocks);
}

/** A pax ("x") or GNU long name/link ("L"/"K") header and its padded body. */
function extensionBlocks(path: string, typeflag: "x" | "L" | "K", body: Buffer): Buffer[] {
  const base = path.slice(path.lastIndexOf("/") + 1).slice(0, 80);
  const name = typeflag === "x" ? `./PaxHeaders/${base}` : "././@LongLink";
  const header = { path, type: "file", size: body.length, mode: 0o644, uid: 0, gid: 0, mtime: 0 } as const;
  const block = ustarBlock(
    { ...header, linkTarget: "", devMajor: 0, devMinor: 0, extended: new Map() },
    { prefix: "", name },
    "",
    typeflag,
  );
  return [block, body, tarPadding(body.length)];
}

function ustarBlock(
  entry: TarEntry,
  names: { prefix: string; name: string },
  linkname: string,
  typeflag = typeflags[entry.type],
): Buffer {
  const block = Buffer.alloc(blockSize);
  writeString(block, "name", names.name);
  writeOctal(block, "mode", entry.mode & 0o7777);
  writeOctal(block, "uid", entry.uid);
  writeOctal(block, "gid", entry.gid);
  writeOctal(block, "size", entry.type === "file" ? entry.size : 0);
  writeOctal(block, "mtime", entry.mtime);
  writeString(block, "typeflag", typeflag);
  writeString(block, "linkname", linkname.slice(0, field.linkname[1]));
  writeString(block, "magic", "ustar\0");
  writeString(block, "version", "00");
  if (entry.type === "chardev" || entry.type === "blockdev") {
    writeOctal(block, "devmajor", entry.devMajor);
    writeOctal(block, "devminor", entry.devMinor);
  }
  writeString(block, "prefix", names.prefix);
  const checksum = checksumOf(block);
  block.write(checksum.toString(8).padStart(6, "0") + "\0 ", field.checksum[0], 8, "latin1");
  return block;
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
