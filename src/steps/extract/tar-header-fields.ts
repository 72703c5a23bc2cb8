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
  const end = offset + length;
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    let value = BigInt(first & 0x7f);
    for (let i = offset + 1; i < end; i++) value = (value << 8n) | BigInt(block[i] ?? 0);
    return Number(value);
  }
  // Digits by hand: this runs for every field of every header, and strings cost more.
  let at = offset;
  while (at < end && block[at] === 0x20) at++;
  let value = 0;
  for (; at < end; at++) {
    const digit = (block[at] ?? 0) - 0x30;
    if (digit < 0 || digit > 7) break;
    value = value * 8 + digit;
  }
  return value;
}

const octalLimits = Object.fromEntries(
  Object.entries(field).map(([name, [, length]]) => [name, 8 ** (length - 1) - 1]),
) as Record<FieldName, number>;

/** The largest value an octal field of `name` holds; larger values go into pax records. */
export function octalLimit(name: FieldName): number {
  return octalLimits[name];
}

export function writeOctal(block: Buffer, name: FieldName, value: number): void {
  const [offset, length] = field[name];
  let rest = Math.min(Math.max(0, Math.floor(value)), octalLimit(name));
  for (let at = offset + length - 2; at >= offset; at--) {
    block[at] = 0x30 + (rest % 8);
    rest = Math.floor(rest / 8);
  }
  block[offset + length - 1] = 0;
}

export function writeString(block: Buffer, name: FieldName, value: string): void {
  const [offset, length] = field[name];
  block.write(value, offset, length, "latin1");
}

/** The unsigned sum of the header's bytes, the checksum field counted as spaces. */
export function checksumOf(block: Buffer): number {
  const [offset, length] = field.checksum;
  let sum = 0x20 * length;
  for (let i = 0; i < offset; i++) sum += block[i] ?? 0;
  for (let i = offset + length; i < blockSize; i++) sum += block[i] ?? 0;
  return sum;
}
