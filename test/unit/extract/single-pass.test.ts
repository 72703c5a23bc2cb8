import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteProgress, type ProgressEvent } from "../../../src/plan/progress.js";
import { ByteReader } from "../../../src/steps/extract/byte-reader.js";
import type { EntrySink } from "../../../src/steps/extract/entry-sinks.js";
import type { PostProcess } from "../../../src/steps/extract/post-process.js";
import { streamEntries } from "../../../src/steps/extract/single-pass.js";
import type { TarEntry } from "../../../src/steps/extract/tar-entry.js";
import { TarReader } from "../../../src/steps/extract/tar-reader.js";
import { encodeTarHeader, tarPadding, tarTrailer } from "../../../src/steps/extract/tar-writer.js";
import { chunked, tarEntry } from "./entries.js";

/** Records what it was given, entry by entry. */
class RecordingSink implements EntrySink {
  readonly seen: { entry: TarEntry; data: string }[] = [];
  constructor(private readonly wants: (entry: TarEntry) => boolean = () => true) {}
  accepts(entry: TarEntry) {
    return this.wants(entry);
  }
  begin(entry: TarEntry) {
    this.seen.push({ entry, data: "" });
    return Promise.resolve();
  }
  data(chunk: Buffer) {
    const last = this.seen.at(-1);
    if (last) last.data += chunk.toString("latin1");
    return Promise.resolve();
  }
  end() {
    return Promise.resolve();
  }
  finish() {
    return Promise.resolve();
  }
  abort() {
    return Promise.resolve();
  }
}

const post: PostProcess = {
  commentFstab: true,
  disableSelinux: false,
  emptyMachineId: true,
  sshHostKeys: "remove",
  rootPassword: { kind: "hash", hash: "$6$x$y" },
};

function stream(files: [string, string, Partial<TarEntry>?][]): AsyncIterable<Buffer> {
  const parts = files.flatMap(([path, content, changes]) => {
    const body = Buffer.from(content, "latin1");
    return [
      encodeTarHeader(tarEntry(path, { size: body.length, ...changes })),
      body,
      tarPadding(body.length),
    ];
  });
  return chunked(Buffer.concat([...parts, tarTrailer]), 1000);
}

const guest: [string, string, Partial<TarEntry>?][] = [
  ["etc/fstab", "UUID=1 / ext4 defaults 0 1\n"],
  ["etc/shadow", "root:*:1:0:99999:7:::\n", { mode: 0o640 }],
  ["etc/machine-id", "0123\n"],
  ["etc/ssh/ssh_host_rsa_key", "secret"],
  ["usr/bin/tool", "x".repeat(5000), { mode: 0o755 }],
];

test("every sink gets the same post-processed entries; dropped ones reach none", async () => {
  const sinks = [new RecordingSink(), new RecordingSink()];
  const stats = await streamEntries(
    new TarReader(ByteReader.from(stream(guest))),
    sinks,
    post,
    new ByteProgress("extract", undefined, undefined),
  );
  for (const sink of sinks) {
    assert.deepEqual(
      sink.seen.map(({ entry }) => entry.path),
      ["etc/fstab", "etc/shadow", "etc/machine-id", "usr/bin/tool"],
    );
    const byPath = new Map(sink.seen.map((seen) => [seen.entry.path, seen]));
    assert.equal(byPath.get("etc/fstab")?.data, "#UUID=1 / ext4 defaults 0 1\n");
    assert.equal(byPath.get("etc/fstab")?.entry.size, 28);
    assert.equal(byPath.get("etc/shadow")?.data, "root:$6$x$y:1:0:99999:7:::\n");
    assert.equal(byPath.get("etc/shadow")?.entry.mode, 0o640);
    assert.equal(byPath.get("etc/machine-id")?.entry.size, 0);
    assert.equal(byPath.get("usr/bin/tool")?.data.length, 5000);
  }
  assert.deepEqual(stats, { files: 5, bytes: guest.reduce((sum, [, content]) => sum + content.length, 0) });
});

test("a sink only sees the entries it accepts", async () => {
  const onlyEtc = new RecordingSink((entry) => entry.path.startsWith("etc/"));
  await streamEntries(
    new TarReader(ByteReader.from(stream(guest))),
    [onlyEtc],
    post,
    new ByteProgress("extract", undefined, undefined),
  );
  assert.deepEqual(
    onlyEtc.seen.map(({ entry }) => entry.path),
    ["etc/fstab", "etc/shadow", "etc/machine-id"],
  );
});

test("progress counts every byte read from the guest, including dropped and rewritten files", async () => {
  const events: ProgressEvent[] = [];
  const progress = new ByteProgress("extract", (event) => events.push(event), 10_000, 0, 0);
  const stats = await streamEntries(
    new TarReader(ByteReader.from(stream(guest))),
    [new RecordingSink()],
    post,
    progress,
  );
  progress.finish();
  const last = events.at(-1);
  assert.ok(last?.kind === "bytes");
  assert.equal(last.done, stats.bytes);
  assert.equal(last.total, 10_000);
});

test("a rewritten file that is far too large for a config file stops the pass with what to do", async () => {
  const huge: [string, string][] = [["etc/fstab", "#".repeat(5 * 1024 * 1024)]];
  await assert.rejects(
    streamEntries(
      new TarReader(ByteReader.from(stream(huge))),
      [new RecordingSink()],
      post,
      new ByteProgress("extract", undefined, undefined),
    ),
    /too large to be the config file/,
  );
});
