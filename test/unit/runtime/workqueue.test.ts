import { test } from "node:test";
import assert from "node:assert/strict";
import { ItemBackoff } from "../../../src/runtime/item-backoff.js";
import { RuntimeMetrics } from "../../../src/runtime/metrics.js";
import { WorkQueue } from "../../../src/runtime/workqueue.js";

const newQueue = (opts = {}) => new WorkQueue("test", new RuntimeMetrics({ processMetrics: false }), opts);

/** Resolves with the next key, or "pending" if none is handed out within `ms` (it is then lost: test-only). */
async function getWithin(q: WorkQueue, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"pending">((r) => (timer = setTimeout(() => r("pending"), ms)));
  try {
    return await Promise.race([q.get(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

void test("workqueue: a key queued twice is handed out once, in FIFO order", async () => {
  const q = newQueue();
  q.add("a");
  q.add("b");
  q.add("a");
  assert.equal(q.len(), 2);
  assert.equal(await q.get(), "a");
  assert.equal(await q.get(), "b");
  assert.equal(q.len(), 0);
  q.shutDown();
});

void test("workqueue: a key added while processing is requeued only after done()", async () => {
  const q = newQueue();
  q.add("a");
  assert.equal(await q.get(), "a");
  q.add("a");
  q.add("a");
  assert.equal(q.len(), 0, "not queued while being processed");
  const waiting = q.get();
  assert.equal(await getWithin(q, 20), "pending", "no second worker gets it");
  q.done("a");
  assert.equal(await waiting, "a");
  q.done("a");
  assert.equal(q.len(), 0, "done() without a pending add does not requeue");
  q.shutDown();
});

void test("workqueue: a waiting get() is woken by add()", async () => {
  const q = newQueue();
  const waiting = q.get();
  setTimeout(() => q.add("x"), 5);
  assert.equal(await waiting, "x");
  q.shutDown();
});

void test("backoff: doubles from 5 ms, caps at 1000 s, forget() resets", () => {
  const b = new ItemBackoff();
  assert.deepEqual(
    [1, 2, 3, 4, 5].map(() => b.when("k")),
    [5, 10, 20, 40, 80],
  );
  assert.equal(b.numRequeues("k"), 5);
  assert.equal(b.when("other"), 5, "per key");
  for (let i = 0; i < 100; i++) b.when("k");
  assert.equal(b.when("k"), 1_000_000);
  b.forget("k");
  assert.equal(b.numRequeues("k"), 0);
  assert.equal(b.when("k"), 5);
});

void test("workqueue: addRateLimited waits the growing backoff; forget() resets it", async () => {
  const q = newQueue({ baseDelayMs: 20 });
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    q.addRateLimited("k");
    assert.equal(q.len(), 0, "not queued before the backoff passed");
    assert.equal(await q.get(), "k");
    delays.push(performance.now() - t0);
    q.done("k");
  }
  assert.equal(q.numRequeues("k"), 3);
  assert.ok(delays[0]! >= 19 && delays[1]! >= 39 && delays[2]! >= 79, `delays ${delays.join(", ")}`);
  q.forget("k");
  assert.equal(q.numRequeues("k"), 0);
  const t0 = performance.now();
  q.addRateLimited("k");
  await q.get();
  assert.ok(performance.now() - t0 < 70, "back to the base delay");
  q.shutDown();
});

void test("workqueue: addAfter hands keys out in deadline order; the earliest request wins", async () => {
  const q = newQueue();
  q.addAfter("c", 60);
  q.addAfter("a", 20);
  q.addAfter("b", 40);
  q.addAfter("c", 10); // earlier than its first request
  q.addAfter("a", 500); // later: ignored
  q.addAfter("now", 0);
  assert.equal(q.len(), 1);
  const order: (string | undefined)[] = [];
  for (let i = 0; i < 4; i++) {
    const key = await q.get();
    order.push(key);
    if (key) q.done(key);
  }
  assert.deepEqual(order, ["now", "c", "a", "b"]);
  assert.equal(await getWithin(q, 80), "pending", "nothing left over");
  q.shutDown();
});

void test("workqueue: shutDown drains what is queued, drops delayed keys, ignores adds, wakes getters", async () => {
  const q = newQueue();
  const idle = q.get();
  q.shutDown();
  assert.equal(await idle, undefined, "a waiting get() returns undefined");

  const q2 = newQueue();
  q2.add("a");
  q2.add("b");
  q2.addAfter("later", 10);
  q2.shutDown();
  q2.add("c");
  assert.equal(await q2.get(), "a");
  assert.equal(await q2.get(), "b");
  assert.equal(await q2.get(), undefined);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await q2.get(), undefined, "delayed key dropped");
  assert.equal(q2.isShuttingDown(), true);
});

void test("workqueue: exports controller-runtime metric names", async () => {
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const q = new WorkQueue("widgets", metrics);
  q.add("a");
  q.add("b");
  const key = await q.get();
  q.addRateLimited("x");
  const text = await metrics.registry.metrics();
  assert.match(text, /^workqueue_depth\{name="widgets"\} 1$/m);
  assert.match(text, /^workqueue_adds_total\{name="widgets"\} 2$/m);
  assert.match(text, /^workqueue_retries_total\{name="widgets"\} 1$/m);
  assert.match(text, /^workqueue_queue_duration_seconds_count\{name="widgets"\} 1$/m);
  assert.match(text, /^workqueue_unfinished_work_seconds\{name="widgets"\} [0-9.e-]+$/m);
  assert.match(text, /^workqueue_longest_running_processor_seconds\{name="widgets"\} [0-9.e-]+$/m);
  q.done(key!);
  assert.match(
    await metrics.registry.metrics(),
    /^workqueue_work_duration_seconds_count\{name="widgets"\} 1$/m,
  );
  q.shutDown();
});
