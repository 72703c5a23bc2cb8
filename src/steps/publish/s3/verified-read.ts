import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline, Transform, type TransformCallback } from "node:stream";
import { LocalFileError } from "./errors.js";

/**
 * Reads `file` once, hashing it on the way through. If the bytes don't hash to `expectedSha256`, the
 * stream fails at its end, before the consumer has seen the last chunk — so an upload reading it
 * never completes, and a file that changed after it was built is never published.
 */
export function readVerified(file: string, expectedSha256: string): Transform {
  const verifier = new Sha256Verifier(file, expectedSha256);
  // Errors of the file stream destroy the verifier with the same error: its reader sees them.
  pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), verifier, () => undefined);
  return verifier;
}

class Sha256Verifier extends Transform {
  private readonly hash = createHash("sha256");

  constructor(
    private readonly file: string,
    private readonly expected: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const actual = this.hash.digest("hex");
    if (actual === this.expected) return done();
    done(new LocalFileError(`${this.file} has sha256 ${actual}, but the build recorded ${this.expected}`));
  }
}
