const MIB = 1 << 20;
const MIN_PART_SIZE = 8 * MIB;
const MAX_PARTS = 10_000;

/** At least 8 MiB, and large enough that the file fits in S3's 10,000 parts. */
export function partSizeFor(size: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}
