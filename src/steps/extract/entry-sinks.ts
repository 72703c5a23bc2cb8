import { StepFailure } from "../../reasons/step-failure.js";
import type { ByteConsumer } from "./byte-consumer.js";
import type { NewcArchive } from "./newc-archive.js";
import { allOf, type Pending } from "./output-pipe.js";
import { displayPath, type TarEntry } from "./tar-entry.js";
import { encodeTarHeader, tarPadding, tarTrailer } from "./tar-writer.js";

/**
 * One output of the single pass, fed entry by entry: header, data chunks, end. Each call returns
 * a Pending: await it, when there is one, before the next call.
 */
export interface EntrySink {
  accepts(entry: TarEntry): boolean;
  begin(entry: TarEntry): Pending;
  data(chunk: Buffer): Pending;
  end(entry: TarEntry): Pending;
  /** Writes the archive trailer and waits for the consumers to finish. */
  finish(): Promise<void>;
  /** Stops the consumers; resolves once none of them writes any more. */
  abort(): Promise<void>;
}

/** Re-packs entries as one tar stream that several consumers (bsdtar → nfsroot, compressor → tarball) read. */
export class TarSink implements EntrySink {
  constructor(private readonly consumers: ByteConsumer[]) {}

  accepts(): boolean {
    return true;
  }

  begin(entry: TarEntry): Pending {
    return this.write(encodeTarHeader(entry));
  }

  data(chunk: Buffer): Pending {
    return this.write(chunk);
  }

  end(entry: TarEntry): Pending {
    return entry.type === "file" ? this.write(tarPadding(entry.size)) : undefined;
  }

  async finish(): Promise<void> {
    await this.write(tarTrailer);
    await Promise.all(this.consumers.map((consumer) => consumer.finish()));
  }

  async abort(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.abort()));
  }

  private write(data: Buffer): Pending {
    return allOf(this.consumers.map((consumer) => consumer.write(data)));
  }
}

/** A newc cpio archive of the entries `filter` selects, into a compressor or a file. */
export class CpioSink implements EntrySink {
  constructor(
    private readonly consumer: ByteConsumer,
    private readonly archive: NewcArchive,
    private readonly filter: (entry: TarEntry) => boolean,
  ) {}

  accepts(entry: TarEntry): boolean {
    return this.filter(entry);
  }

  begin(entry: TarEntry): Pending {
    return this.consumer.write(this.archive.header(entry));
  }

  data(chunk: Buffer): Pending {
    return this.consumer.write(chunk);
  }

  end(entry: TarEntry): Pending {
    return entry.type === "file" ? this.consumer.write(this.archive.padding(entry.size)) : undefined;
  }

  async finish(): Promise<void> {
    await this.consumer.write(this.archive.trailer());
    await this.consumer.finish();
  }

  abort(): Promise<void> {
    return this.consumer.abort();
  }
}

/** Copies one regular file out of the stream (the kernel, the initrd). */
export class FileCaptureSink implements EntrySink {
  private captured = false;

  constructor(
    private readonly guestPath: string,
    private readonly consumer: ByteConsumer,
  ) {}

  accepts(entry: TarEntry): boolean {
    return entry.type === "file" && entry.path === this.guestPath;
  }

  begin(): Pending {
    this.captured = true;
    return undefined;
  }

  data(chunk: Buffer): Pending {
    return this.consumer.write(chunk);
  }

  end(): Pending {
    return undefined;
  }

  async finish(): Promise<void> {
    await this.consumer.finish();
    if (!this.captured) {
      throw new StepFailure(
        "ExtractFailed",
        `/${displayPath(this.guestPath)} was listed in /boot but did not stream as a regular file; check that it is not a symlink, or turn outputs.kernel off`,
      );
    }
  }

  abort(): Promise<void> {
    return this.consumer.abort();
  }
}
