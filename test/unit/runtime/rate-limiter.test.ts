import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenBucket, type Clock } from "../../../src/runtime/rate-limiter.js";

/** A clock that moves only when told to; sleepers wake when it passes their deadline. */
class FakeClock implements Clock {
  private ms = 1_000;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.ms;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ until: this.ms + ms, wake }));
  }

  async advance(ms: number): Promise<void> {
    this.ms += ms;
    const due = this.sleepers.filter((s) => s.until <= this.ms);
    this.sleepers = this.sleepers.filter((s) => s.until > this.ms);
    for (const s of due) s.wake();
    // Let the woken take() calls resolve before the test looks.
    await new Promise((r) => setImmediate(r));
  }
}

void test("token bucket: a full burst goes at once, then one token every 1/qps", async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 20, burst: 30 }, clock);
  const waits = await Promise.all(Array.from({ length: 30 }, () => bucket.take()));
  assert.deepEqual(waits, Array<number>(30).fill(0), "the first 30 do not wait");

  const done: number[] = [];
  const more = [0, 1, 2].map((i) =>
    bucket.take().then((waited) => {
      done.push(i);
      return waited;
    }),
  );
  await clock.advance(49);
  assert.deepEqual(done, [], "the 31st waits 50 ms at 20 QPS");
  await clock.advance(1);
  assert.deepEqual(done, [0]);
  await clock.advance(50);
  assert.deepEqual(done, [0, 1], "served in call order, 50 ms apart");
  await clock.advance(50);
  assert.deepEqual(await Promise.all(more), [50, 100, 150]);
});

void test("token bucket: an idle spell refills, but never beyond the burst", async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ qps: 2, burst: 3 }, clock);
  for (let i = 0; i < 3; i++) assert.equal(await bucket.take(), 0);
  await clock.advance(1_000); // 2 tokens back
  assert.equal(await bucket.take(), 0);
  assert.equal(await bucket.take(), 0);
  const third = bucket.take();
  await clock.advance(500);
  assert.equal(await third, 500, "the bucket was empty again");

  await clock.advance(60_000); // an hour would refill no more than a minute does
  for (let i = 0; i < 3; i++) assert.equal(await bucket.take(), 0);
  const fourth = bucket.take();
  await clock.advance(500);
  assert.equal(await fourth, 500, "only `burst` tokens had accumulated");
});

void test("token bucket: rejects a limit it could not honour, naming the field", () => {
  assert.throws(() => new TokenBucket({ qps: 0, burst: 30 }), /qps must be a positive number, not 0/);
  assert.throws(() => new TokenBucket({ qps: Number.NaN, burst: 30 }), /qps must be a positive number/);
  assert.throws(() => new TokenBucket({ qps: 20, burst: 0 }), /burst must be a positive integer, not 0/);
  assert.throws(() => new TokenBucket({ qps: 20, burst: 1.5 }), /burst must be a positive integer/);
});
