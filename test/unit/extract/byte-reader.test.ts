import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { ByteReader } from "../../../src/steps/extract/byte-reader.js";

function readerOf(...chunks: string[]): ByteReader {
  return ByteReader.from(
    (async function* () {
      for (const chunk of chunks) {
        await Promise.resolve();
        yield Buffer.from(chunk, "latin1");
      }
    })(),
  );
}

test("exact reads span chunk boundaries and return undefined only at a clean end", async () => {
  const reader = readerOf("ab", "", "cde", "f");
  assert.equal((await reader.readExact(3))?.toString(), "abc");
  assert.equal((await reader.readExact(3))?.toString(), "def");
  assert.equal(await reader.readExact(1), undefined);
  await assert.rejects(readerOf("ab").readExact(3), /ended after 2 of 3/);
});

test("slices add up to exactly the requested length and leave the rest", async () => {
  const reader = readerOf("abc", "defg");
  const parts: string[] = [];
  for await (const slice of reader.slices(5)) parts.push(slice.toString());
  assert.deepEqual(parts, ["abc", "de"]);
  assert.equal((await reader.readExact(2))?.toString(), "fg");
});

test("lines are split on \\n across chunks, bytes kept as latin1", async () => {
  const reader = readerOf("one\ntw", "o\n\xe9\n", "last");
  assert.deepEqual(
    [await reader.readLine(), await reader.readLine(), await reader.readLine(), await reader.readLine()],
    ["one", "two", "\xe9", "last"],
  );
  assert.equal(await reader.readLine(), undefined);
});

test("a stream is read ahead up to the limit and paused beyond it, and every byte arrives in order", async () => {
  const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(1000, i));
  let produced = 0;
  const source = new Readable({
    highWaterMark: 1000,
    read() {
      const chunk = chunks[produced++];
      this.push(chunk ?? null);
    },
  });
  const reader = ByteReader.from(source, 8000);
  assert.equal((await reader.readExact(1))?.[0], 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(source.isPaused(), "the source is paused while the readahead is full");
  assert.ok(produced <= 12, `read ahead ${produced} chunks of 1000 bytes with a limit of 8000`);
  const all: Buffer[] = [Buffer.alloc(1, 0)];
  for (;;) {
    const part = reader.takeBuffered(4096) ?? ((await reader.more()) ? reader.takeBuffered(4096) : undefined);
    if (!part) break;
    all.push(part);
  }
  assert.deepEqual(Buffer.concat(all), Buffer.concat(chunks));
});

test("a source that fails makes the read fail", async () => {
  const source = new Readable({ read() {} });
  const reader = ByteReader.from(source);
  source.destroy(new Error("guestfish died"));
  await assert.rejects(reader.readExact(10), /guestfish died/);
});
