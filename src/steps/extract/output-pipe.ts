import type { Writable } from "node:stream";

/**
 * Writes to a stream with backpressure: a write resolves once the stream will take more, so the
 * slowest consumer sets the pace and nothing queues up without bound. Small writes (headers,
 * padding) are gathered into one larger write to save system calls; large ones go straight through.
 * Buffers are kept by reference until written, so callers must not reuse them.
 */
export class OutputPipe {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly batchBytes = 64 * 1024,
  ) {
    stream.on("error", (err) => {
      this.failure ??= err;
    });
  }

  async write(data: Buffer): Promise<void> {
    if (data.length === 0) return;
    if (data.length >= this.batchBytes / 2) {
      await this.flush();
      await this.writeNow(data);
      return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= this.batchBytes) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (data) await this.writeNow(data);
  }

  /** Flushes, ends the stream and waits until it has taken everything. */
  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.stream.once("error", reject);
      this.stream.end(() => resolve());
    });
  }

  private async writeNow(data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.write(data)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        this.stream.off("drain", onDrain);
        this.stream.off("error", onError);
        this.stream.off("close", onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (err: Error) => done(err);
      const onClose = () => done(this.failure ?? new Error("the output closed before taking all data"));
      this.stream.on("drain", onDrain);
      this.stream.on("error", onError);
      this.stream.on("close", onClose);
    });
  }
}
