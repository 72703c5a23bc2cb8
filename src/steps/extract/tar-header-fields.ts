// Byte layout of a 512-byte ustar header block, and the numeric field codecs shared by reader and writer.

export const blockSize = 512;

export const field = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  devmajor: [329, 8],
  devminor: [337, 8],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

export type FieldName = keyof typeof field;

export function paddingFor(size: number): number {
  return (blockSize - (size % blockSize)) % blockSize;
}

/** A NUL-terminated string field, as latin1 bytes. */
export function readString(block: Buffer, name: FieldName): string {
  const [offset, length] = field[name];
  const end = block.indexOf(0, offset);
  return block.toString("latin1", offset, end === -1 || end > offset + length ? offset + length : end);
}

/** Octal (space/NUL terminated) or GNU base-256 (high bit of the first byte set). */
export function readNumber(block: Buffer, name: FieldName): number {
  const [offset, length] = field[name];
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    let value = BigInt(first & 0x7f);
    for (let i = 1; i < length; i++) value = (value << 8n) | BigInt(block[offset + i] ?? 0);
    return Number(value);
  }
  const text = block
    .toString("latin1", offset, offset + length)
    .replace(/[\0 ]+$/, "")
    .trim();
  return text === "" ? 0 : parseInt(text, 8);
}

/** The largest value an octal field of `name` holds; larger values go into pax records. */
export function octalLimit(name: FieldName): number {
  return 8 ** (field[name][1] - 1) - 1;
}

export function writeOctal(block: Buffer, name: FieldName, value: number): void {
  const [offset, length] = field[name];
  const clamped = Math.min(Math.max(0, Math.floor(value)), octalLimit(name));
  block.write(clamped.toString(8).padStart(length - 1, "0") + "\0", offset, length, "latin1");
}

export function writeString(block: Buffer, name: FieldName, value: string): void {
  const [offset, length] = field[name];
  block.write(value, offset, length, "latin1");
}

export function checksumOf(block: Buffer): number {
  let sum = 0;
  const [offset, length] = field.checksum;
  for (let i = 0; i < blockSize; i++) {
    sum += i >= offset && i < offset + length ? 0x20 : (block[i] ?? 0);
  }
  return sum;
}
