import type { ByteProgress } from "../../plan/progress.js";
import type { EntrySink } from "./entry-sinks.js";
import { allOf } from "./output-pipe.js";
import { withPortableAcls } from "./posix-acl.js";
import { maxRewrittenFileSize, rewriteFor, type PostProcess } from "./post-process.js";
import { displayPath, type TarEntry } from "./tar-entry.js";
import type { TarReader } from "./tar-reader.js";

export interface PassStats {
  /** Entries read from the guest. */
  files: number;
  /** Regular-file bytes read from the guest. */
  bytes: number;
}

/**
 * The single pass: every entry of the guest's tar stream is post-processed here, once, and then
 * handed to every sink that wants it. Data chunks go to all sinks before the next chunk is read,
 * so the slowest sink throttles the guest and memory stays bounded. Nothing here awaits unless a
 * sink is full or the source has nothing buffered: per-entry promises cost more CPU than the data.
 */
export async function streamEntries(
  reader: TarReader,
  sinks: EntrySink[],
  post: PostProcess,
  progress: ByteProgress,
): Promise<PassStats> {
  const stats: PassStats = { files: 0, bytes: 0 };
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    stats.files += 1;
    stats.bytes += entry.size;
    const rewrite = rewriteFor(entry, post);
    if (rewrite.kind === "drop") {
      progress.add(entry.size); // its body is skipped by the next read
      continue;
    }
    let content: Buffer | undefined;
    let out: TarEntry = { ...entry, extended: withPortableAcls(entry.extended) };
    if (rewrite.kind === "chmod") out.mode = rewrite.mode;
    if (rewrite.kind === "content") {
      content = Buffer.from(rewrite.rewrite((await readWhole(reader, entry)).toString("latin1")), "latin1");
      out = { ...out, size: content.length };
      progress.add(entry.size);
    }
    const targets = sinks.filter((sink) => sink.accepts(out));
    let wait = allOf(targets.map((sink) => sink.begin(out)));
    if (wait) await wait;
    if (content) {
      wait = allOf(targets.map((sink) => sink.data(content)));
      if (wait) await wait;
    } else if (out.type === "file") {
      await reader.pipeBody((chunk) => {
        progress.add(chunk.length);
        return targets.length === 1
          ? targets[0]?.data(chunk)
          : allOf(targets.map((sink) => sink.data(chunk)));
      });
    }
    wait = allOf(targets.map((sink) => sink.end(out)));
    if (wait) await wait;
  }
  return stats;
}

async function readWhole(reader: TarReader, entry: TarEntry): Promise<Buffer> {
  if (entry.size > maxRewrittenFileSize) {
    throw new Error(
      `/${displayPath(entry.path)} is ${entry.size} bytes, too large to be the config file post-processing rewrites; check the guest or turn that post-processing option off`,
    );
  }
  const parts: Buffer[] = [];
  await reader.pipeBody((chunk) => {
    parts.push(chunk);
    return undefined;
  });
  return Buffer.concat(parts);
}
