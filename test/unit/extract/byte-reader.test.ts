import assert from "node:assert/strict";
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
