import { Readable } from "node:stream";

const empty = Buffer.alloc(0);

/** Where a ByteReader's chunks come from; undefined at the end. */
interface ChunkSource {
  next(): Promise<Buffer | undefined>;
}

/**
 * How far a stream is read ahead of the consumer. The source (the libguestfs appliance) and the
 * consumers (compressors, bsdtar) each run in bursts; a few MiB between them lets one keep going
 * while the other catches up, instead of the 64 KiB of a pipe. Memory stays bounded by it.
 */
export const readaheadBytes = 4 * 1024 * 1024;

/**
 * Pull-based reader over a stream of chunks (a child's stdout), read ahead by at most
 * `readaheadBytes`, so a slow consumer throttles the producer through the pipe. Reads that the
 * buffered bytes can satisfy are also offered without a promise (takeBuffered), for the hot path.
 */
export class ByteReader {
  private chunk: Buffer = empty;
  private offset = 0;
  private ended = false;

  private constructor(private readonly source: ChunkSource) {}

  static from(stream: AsyncIterable<Buffer>, readahead = readaheadBytes): ByteReader {
    if (stream instanceof Readable) return new ByteReader(new Readahead(stream, readahead));
    const iterator = stream[Symbol.asyncIterator]();
    return new ByteReader({
      next: async () => {
        const next = await iterator.next();
        return next.done ? undefined : next.value;
      },
    });
  }

  /** Exactly `n` bytes, or undefined when the stream ended cleanly before the first byte. */
  async readExact(n: number): Promise<Buffer | undefined> {
    if (!(await this.more())) return undefined;
    if (this.chunk.length - this.offset >= n) return this.take(n);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (!(await this.more())) throw new TruncatedStreamError(n, got);
      const part = this.take(Math.min(n - got, this.chunk.length - this.offset));
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts, n);
  }

  /** Up to `max` bytes that are already buffered (a view, not a copy), or undefined if none are. */
  takeBuffered(max: number): Buffer | undefined {
    const available = this.chunk.length - this.offset;
    return available > 0 && max > 0 ? this.take(Math.min(max, available)) : undefined;
  }

  /** Waits until bytes are buffered; false at the end of the stream. */
  async more(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      if (this.ended) return false;
      const next = await this.source.next();
      if (next === undefined) {
        this.ended = true;
        return false;
      }
      this.chunk = next;
      this.offset = 0;
    }
    return true;
  }

  /**
   * Waits for more bytes and returns up to `max` of them. Use after takeBuffered found none; a
   * read of `wanted` bytes that has `got` so far fails with TruncatedStreamError at the end.
   */
  async waitSlice(max: number, wanted: number, got: number): Promise<Buffer> {
    if (!(await this.more())) throw new TruncatedStreamError(wanted, got);
    return this.take(Math.min(max, this.chunk.length - this.offset));
  }

  /** Slices (views into the source chunks, not copies) that add up to exactly `n` bytes. */
  async *slices(n: number): AsyncGenerator<Buffer> {
    for (let left = n; left > 0;) {
      const part = this.takeBuffered(left) ?? (await this.waitSlice(left, n, n - left));
      left -= part.length;
      yield part;
    }
  }

  async skip(n: number): Promise<void> {
    for (let left = n; left > 0;) {
      left -= (this.takeBuffered(left) ?? (await this.waitSlice(left, n, n - left))).length;
    }
  }

  /** One line without its "\n", bytes mapped 1:1 to chars (latin1); undefined at end of stream. */
  async readLine(): Promise<string | undefined> {
    let line = "";
    for (;;) {
      if (!(await this.more())) return line.length > 0 ? line : undefined;
      const newline = this.chunk.indexOf(0x0a, this.offset);
      const end = newline === -1 ? this.chunk.length : newline;
      line += this.take(end - this.offset).toString("latin1");
      if (newline !== -1) {
        this.offset += 1;
        return line;
      }
    }
  }

  private take(n: number): Buffer {
    const part = this.chunk.subarray(this.offset, this.offset + n);
    this.offset += n;
    return part;
  }
}

/** Reads a stream ahead into a queue of at most `limit` bytes, pausing it while the queue is full. */
class Readahead implements ChunkSource {
  private readonly chunks: Buffer[] = [];
  private queued = 0;
  private done = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly limit: number,
  ) {
    stream.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.queued += chunk.length;
      if (this.queued >= limit) stream.pause();
      this.wake?.();
    });
    stream.on("end", () => {
      this.done = true;
      this.wake?.();
    });
    stream.on("error", (err) => {
      this.failure = err;
      this.wake?.();
    });
  }

  async next(): Promise<Buffer | undefined> {
    while (this.chunks.length === 0) {
      if (this.failure) throw this.failure;
      if (this.done) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    const chunk = this.chunks.shift() ?? empty;
    this.queued -= chunk.length;
    if (this.stream.isPaused() && this.queued <= this.limit / 2) this.stream.resume();
    return chunk;
  }
}

export class TruncatedStreamError extends Error {
  override name = "TruncatedStreamError";
  constructor(wanted: number, got: number) {
    super(`stream ended after ${got} of ${wanted} expected bytes`);
  }
}
