import type { Writable } from "node:stream";

/**
 * Settled (undefined) when a write was taken at once, else a promise to await before writing more.
 * The hot path of the single pass writes ~40 k entries and ~25 k chunks per GiB; a promise for each
 * write cost more CPU than the writes themselves, so one exists only while a consumer is full.
 */
export type Pending = Promise<void> | undefined;

/** One Pending for several writes: undefined when none of them waits. */
export function allOf(pending: Pending[]): Pending {
  const waiting = pending.filter((p) => p !== undefined);
  if (waiting.length === 0) return undefined;
  return waiting.length === 1 ? waiting[0] : Promise.all(waiting).then(() => undefined);
}

/** How much a consumer may have queued before writers wait: a few pipe buffers' worth (64 KiB each). */
export const queuedBytesLimit = 1024 * 1024;

/**
 * Writes to a stream with backpressure: a write that finds more than `queuedBytesLimit` queued
 * waits until the stream drained, so the slowest consumer sets the pace and memory stays bounded.
 * Small writes (headers, padding) are gathered into one larger write to save system calls; large
 * ones go straight through. Buffers are kept by reference until written, so callers must not reuse
 * them.
 */
export class OutputPipe {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failure: Error | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly batchBytes = 64 * 1024,
    private readonly queueLimit = queuedBytesLimit,
  ) {
    stream.on("error", (err) => {
      this.failure ??= err;
    });
  }

  write(data: Buffer): Pending {
    const failed = this.failed();
    if (failed) return Promise.reject(failed);
    if (data.length === 0) return undefined;
    if (data.length >= this.batchBytes / 2) {
      const flushed = this.flush();
      return flushed ? flushed.then(() => this.writeNow(data)) : this.writeNow(data);
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
    return this.pendingBytes >= this.batchBytes ? this.flush() : undefined;
  }

  flush(): Pending {
    if (this.pendingBytes === 0) return undefined;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return data ? this.writeNow(data) : undefined;
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

  /** A failure is recorded at once (stream.errored) but announced on the next tick ('error'). */
  private failed(): Error | undefined {
    return this.failure ?? this.stream.errored ?? undefined;
  }

  private writeNow(data: Buffer): Pending {
    const failed = this.failed();
    if (failed) return Promise.reject(failed);
    // The stream's own highWaterMark (16 KiB for a child's stdin) would make nearly every 64 KiB
    // chunk wait for 'drain'; ours lets a few chunks queue while the consumer catches up.
    if (this.stream.write(data) || this.stream.writableLength < this.queueLimit) return undefined;
    return new Promise<void>((resolve, reject) => {
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
