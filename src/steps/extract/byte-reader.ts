const empty = Buffer.alloc(0);

/**
 * Pull-based reader over a stream of chunks (a child's stdout). Nothing is read ahead of what the
 * caller asks for, so a slow consumer throttles the producer through the pipe.
 */
export class ByteReader {
  private chunk: Buffer = empty;
  private offset = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  static from(stream: AsyncIterable<Buffer>): ByteReader {
    return new ByteReader(stream[Symbol.asyncIterator]());
  }

  /** Exactly `n` bytes, or undefined when the stream ended cleanly before the first byte. */
  async readExact(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill())) return undefined;
    if (this.chunk.length - this.offset >= n) return this.take(n);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw new TruncatedStreamError(n, got);
      const part = this.take(Math.min(n - got, this.chunk.length - this.offset));
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts, n);
  }

  /** Yields slices (views into the source chunks, not copies) that add up to exactly `n` bytes. */
  async *slices(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw new TruncatedStreamError(n, n - left);
      const part = this.take(Math.min(left, this.chunk.length - this.offset));
      left -= part.length;
      yield part;
    }
  }

  async skip(n: number): Promise<void> {
    for await (const _ of this.slices(n));
  }

  /** One line without its "\n", bytes mapped 1:1 to chars (latin1); undefined at end of stream. */
  async readLine(): Promise<string | undefined> {
    let line = "";
    for (;;) {
      if (!(await this.fill())) return line.length > 0 ? line : undefined;
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

  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      if (this.ended) return false;
      const next = await this.source.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.chunk = next.value;
      this.offset = 0;
    }
    return true;
  }
}

export class TruncatedStreamError extends Error {
  override name = "TruncatedStreamError";
  constructor(wanted: number, got: number) {
    super(`stream ended after ${got} of ${wanted} expected bytes`);
  }
}
