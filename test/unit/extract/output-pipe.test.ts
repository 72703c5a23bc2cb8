import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { OutputPipe } from "../../../src/steps/extract/output-pipe.js";

/** A writable that takes one write at a time and only when told to. */
function slowWritable() {
  const written: Buffer[] = [];
  const pending: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      written.push(chunk);
      pending.push(() => callback());
    },
  });
  return { stream, written, release: () => pending.splice(0).forEach((done) => done()) };
}

test("a write waits while the consumer has more than the limit queued, so memory stays bounded", async () => {
  const { stream, written, release } = slowWritable();
  const pipe = new OutputPipe(stream, 64, 4096);
  assert.equal(pipe.write(Buffer.alloc(2048)), undefined, "below the limit: taken without waiting");
  let done = false;
  const write = pipe.write(Buffer.alloc(2048))?.then(() => (done = true)); // now 4 KiB are queued
  assert.ok(write, "at the limit the writer must wait");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(written.length, 1, "the stream took one write; the other is queued");
  assert.equal(done, false, "the write must wait until the consumer drains");
  const drain = setInterval(release, 1);
  await write;
  clearInterval(drain);
  assert.equal(done, true);
});

test("small writes are gathered into one larger write, in order", async () => {
  const { stream, written, release } = slowWritable();
  const pipe = new OutputPipe(stream, 64);
  for (const letter of "abcdef") await pipe.write(Buffer.from(letter.repeat(10)));
  assert.equal(written.length, 0, "still gathering");
  const ended = pipe.end();
  const drain = setInterval(release, 1);
  await ended;
  clearInterval(drain);
  assert.equal(
    Buffer.concat(written).toString(),
    "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff",
  );
  assert.ok(written.length <= 2);
});

test("a consumer that fails makes the next write fail instead of hanging", async () => {
  const stream = new Writable({
    write(_chunk, _encoding, callback) {
      callback(new Error("disk full"));
    },
  });
  const pipe = new OutputPipe(stream, 16);
  await assert.rejects(async () => {
    for (let i = 0; i < 10; i++) await pipe.write(Buffer.alloc(64));
  }, /disk full/);
});
