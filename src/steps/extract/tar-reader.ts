import type { ByteReader } from "./byte-reader.js";
import type { Pending } from "./output-pipe.js";
import { parsePaxRecords } from "./pax-records.js";
import { normalisePath, type EntryType, type TarEntry } from "./tar-entry.js";
import { blockSize, checksumOf, paddingFor, readNumber, readString } from "./tar-header-fields.js";

// tar-stream is not used here: it decodes pax values as UTF-8, which corrupts binary xattrs
// (security.capability, system.posix_acl_*), and it re-encodes non-UTF-8 names.

const entryTypes: Record<string, EntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "chardev",
  "4": "blockdev",
  "5": "directory",
  "6": "fifo",
};

/** Keys folded into TarEntry fields instead of being carried in `extended`. */
const consumedKeys = new Set(["path", "linkpath", "size", "uid", "gid", "uname", "gname", "hdrcharset"]);

/**
 * Reads a POSIX/GNU tar stream one entry at a time. After `next()` returns a regular file, read its
 * data with `pipeBody()` (or let the following `next()` skip it).
 */
export class TarReader {
  private bodySize = 0;
  private bodyLeft = 0;
  private paddingLeft = 0;

  constructor(private readonly bytes: ByteReader) {}

  /** The next entry, or undefined after the end-of-archive marker. */
  async next(): Promise<TarEntry | undefined> {
    await this.skipBody();
    let pax = new Map<string, Buffer>();
    let gnuLongName: string | undefined;
    let gnuLongLink: string | undefined;
    for (;;) {
      const block = await this.bytes.readExact(blockSize);
      if (!block) throw new TarFormatError("tar stream ended without its end-of-archive marker");
      if (isZeroBlock(block)) return undefined;
      if (checksumOf(block) !== readNumber(block, "checksum")) {
        throw new TarFormatError("corrupt tar stream: header checksum mismatch");
      }
      const typeflag = String.fromCharCode(block[156] ?? 0);
      const size = numberRecord(pax, "size") ?? readNumber(block, "size");
      if (typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K") {
        const body = await this.readWhole(size);
        if (typeflag === "x") pax = new Map([...pax, ...parsePaxRecords(body)]);
        if (typeflag === "L") gnuLongName = cString(body);
        if (typeflag === "K") gnuLongLink = cString(body);
        continue; // global headers ("g") set defaults GNU tar never uses; ignored
      }
      const type = entryTypes[typeflag];
      if (!type) throw new TarFormatError(`unsupported tar entry type ${JSON.stringify(typeflag)}`);
      const entry = toEntry(block, type, pax, gnuLongName, gnuLongLink);
      entry.size = type === "file" ? size : 0;
      this.bodySize = size;
      this.bodyLeft = size;
      this.paddingLeft = paddingFor(size);
      return entry;
    }
  }

  /**
   * Hands the current regular file's data to `onChunk` as slices of the stream (views, valid until
   * the next read), waiting whenever it returns a promise. Buffered bytes go without one.
   */
  async pipeBody(onChunk: (chunk: Buffer) => Pending): Promise<void> {
    while (this.bodyLeft > 0) {
      const got = this.bodySize - this.bodyLeft;
      const chunk =
        this.bytes.takeBuffered(this.bodyLeft) ??
        (await this.bytes.waitSlice(this.bodyLeft, this.bodySize, got));
      this.bodyLeft -= chunk.length;
      const wait = onChunk(chunk);
      if (wait) await wait;
    }
    await this.skipBody();
  }

  private async skipBody(): Promise<void> {
    const left = this.bodyLeft + this.paddingLeft;
    this.bodyLeft = 0;
    this.paddingLeft = 0;
    if (left > 0) await this.bytes.skip(left);
  }

  private async readWhole(size: number): Promise<Buffer> {
    const body = size === 0 ? Buffer.alloc(0) : await this.bytes.readExact(size);
    if (!body) throw new TarFormatError("tar stream ended inside an extended header");
    await this.bytes.skip(paddingFor(size));
    return body;
  }
}

function toEntry(
  block: Buffer,
  type: EntryType,
  pax: Map<string, Buffer>,
  gnuLongName: string | undefined,
  gnuLongLink: string | undefined,
): TarEntry {
  const magic = block.toString("latin1", 257, 263);
  const prefix = magic === "ustar\0" ? readString(block, "prefix") : "";
  const shortName = readString(block, "name");
  const name =
    pax.get("path")?.toString("latin1") ?? gnuLongName ?? (prefix ? `${prefix}/${shortName}` : shortName);
  const linkname = pax.get("linkpath")?.toString("latin1") ?? gnuLongLink ?? readString(block, "linkname");
  const isDir = type === "directory" || (type === "file" && name.endsWith("/"));
  const extended = new Map<string, Buffer>();
  for (const [key, value] of pax) if (!consumedKeys.has(key)) extended.set(key, value);
  return {
    path: normalisePath(name),
    type: isDir ? "directory" : type,
    mode: readNumber(block, "mode") & 0o7777,
    uid: numberRecord(pax, "uid") ?? readNumber(block, "uid"),
    gid: numberRecord(pax, "gid") ?? readNumber(block, "gid"),
    size: 0,
    mtime: Math.floor(numberRecord(pax, "mtime") ?? readNumber(block, "mtime")),
    linkTarget: type === "hardlink" ? normalisePath(linkname) : linkname,
    devMajor: readNumber(block, "devmajor"),
    devMinor: readNumber(block, "devminor"),
    extended,
  };
}

function numberRecord(pax: Map<string, Buffer>, key: string): number | undefined {
  const value = pax.get(key);
  return value === undefined ? undefined : Number(value.toString("latin1"));
}

function cString(body: Buffer): string {
  const end = body.indexOf(0);
  return body.toString("latin1", 0, end === -1 ? body.length : end);
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The guest's tar stream is malformed or cut short (usually: guestfish failed mid-stream). */
export class TarFormatError extends Error {
  override name = "TarFormatError";
}
