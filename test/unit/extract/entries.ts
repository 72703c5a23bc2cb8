import type { TarEntry } from "../../../src/steps/extract/tar-entry.js";

/** A tar entry for tests: a root-owned 0644 regular file unless `changes` say otherwise. */
export function tarEntry(path: string, changes: Partial<TarEntry> = {}): TarEntry {
  return {
    path,
    type: "file",
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: 0,
    mtime: 1_700_000_000,
    linkTarget: "",
    devMajor: 0,
    devMinor: 0,
    extended: new Map(),
    ...changes,
  };
}

/** `data` as a stream of `size`-byte chunks, each arriving on a later tick like pipe reads do. */
export async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) {
    await Promise.resolve();
    yield data.subarray(at, at + size);
  }
}
