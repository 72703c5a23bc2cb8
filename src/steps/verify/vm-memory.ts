import { open, stat } from "node:fs/promises";

const mib = 1024 * 1024;

/**
 * Memory for a VM that unpacks `cgz` into its RAM: the initrd as loaded, its unpacked tmpfs copy, and
 * room to run, i.e. 3 × the unpacked size + 512 MiB.
 */
export async function memoryForInitramfs(cgz: string): Promise<number> {
  const unpacked = await estimateUnpackedSize(cgz);
  return Math.ceil((3 * unpacked + 512 * mib) / mib) * mib;
}

/**
 * A gzip file ends with its uncompressed size modulo 2^32 (of its last member only). Trusted as at least
 * twice the compressed size; other compressions (xz, zstd) are taken as 4× smaller than they unpack.
 */
export async function estimateUnpackedSize(file: string): Promise<number> {
  const { size } = await stat(file);
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (size < 18 || head[0] !== 0x1f || head[1] !== 0x8b) return size * 4;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    let unpacked = tail.readUInt32LE(0);
    // The field wrapped for archives over 4 GiB.
    while (unpacked < size) unpacked += 2 ** 32;
    return Math.max(unpacked, size * 2);
  } finally {
    await handle.close();
  }
}
