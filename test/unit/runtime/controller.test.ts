import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../../src/runtime/api-error.js";
import {
  Controller,
  requeueAfter,
  TerminalError,
  type ReconcileContext,
} from "../../../src/runtime/controller.js";
import { Informer } from "../../../src/runtime/informer.js";
import { silentLogger } from "../../../src/runtime/logger.js";
import { RuntimeMetrics } from "../../../src/runtime/metrics.js";
import { cm, configMapRef, eventually, FakeApi } from "./fake-api.js";

void test("controller: results and errors drive requeues; terminal errors are not retried", async () => {
  const api = new FakeApi(
    [{ items: [cm("ok", "1"), cm("later", "1"), cm("flaky", "1"), cm("bad", "1")], resourceVersion: "1" }],
    [],
  );
  const informer = new Informer(api, configMapRef);
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const calls = new Map<string, number>();
  let concurrent = 0;
  let maxConcurrentPerKey = 0;
  const inFlight = new Set<string>();
  const contexts: ReconcileContext[] = [];
  const controller = new Controller({
    name: "things",
    workers: 3,
    log: silentLogger(),
    metrics,
    queue: { baseDelayMs: 10 },
    watches: [{ informer }],
    reconciler: {
      async reconcile(key, ctx) {
        contexts.push(ctx);
        const n = (calls.get(key) ?? 0) + 1;
        calls.set(key, n);
        if (inFlight.has(key)) maxConcurrentPerKey = 2;
        inFlight.add(key);
        concurrent++;
        await new Promise((r) => setTimeout(r, 5));
        concurrent--;
        inFlight.delete(key);
        switch (key) {
          case "ns/later":
            return n < 3 ? requeueAfter(20) : undefined;
          case "ns/flaky":
            if (n < 4) throw new Error("apiserver hiccup");
            return undefined;
          case "ns/bad":
            throw new TerminalError("spec.source is invalid");
          default:
            return undefined;
        }
      },
    },
  });
  const stop = new AbortController();
  informer.start(stop.signal);
  await informer.waitForSync();
  const run = controller.run(stop.signal);
  await eventually(() => calls.get("ns/later") === 3 && calls.get("ns/flaky") === 4, "requeues");
  controller.enqueue("ns/ok");
  await eventually(() => calls.get("ns/ok") === 2, "explicit enqueue");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(calls.get("ns/bad"), 1, "terminal error: no retry");
  assert.equal(calls.get("ns/later"), 3);
  assert.equal(calls.get("ns/flaky"), 4);
  assert.equal(maxConcurrentPerKey, 0, "a key is never reconciled twice at once");
  assert.equal(concurrent, 0);
  assert.ok(contexts.every((c) => /^[0-9a-f-]{36}$/.test(c.reconcileID)));
  assert.equal(new Set(contexts.map((c) => c.reconcileID)).size, contexts.length, "one ID per reconcile");

  const text = await metrics.registry.metrics();
  const value = (re: RegExp) => Number(re.exec(text)?.[1]);
  assert.equal(
    value(/^controller_runtime_reconcile_total\{controller="things",result="success"\} (\d+)$/m),
    4,
  );
  assert.equal(
    value(/^controller_runtime_reconcile_total\{controller="things",result="requeue_after"\} (\d+)$/m),
    2,
  );
  assert.equal(value(/^controller_runtime_reconcile_total\{controller="things",result="error"\} (\d+)$/m), 4);
  assert.equal(value(/^controller_runtime_reconcile_errors_total\{controller="things"\} (\d+)$/m), 4);
  assert.equal(
    value(/^controller_runtime_terminal_reconcile_errors_total\{controller="things"\} (\d+)$/m),
    1,
  );
  assert.equal(value(/^controller_runtime_max_concurrent_reconciles\{controller="things"\} (\d+)$/m), 3);
  assert.equal(value(/^controller_runtime_active_workers\{controller="things"\} (\d+)$/m), 0);
  assert.equal(value(/^controller_runtime_reconcile_time_seconds_count\{controller="things"\} (\d+)$/m), 10);

  stop.abort();
  await run;
  await informer.stopped();
});

void test("controller: stop lets the in-flight reconcile finish and takes no new keys", async () => {
  const api = new FakeApi([{ items: [cm("a", "1"), cm("b", "1")], resourceVersion: "1" }], []);
  const informer = new Informer(api, configMapRef);
  const started: string[] = [];
  const finished: string[] = [];
  let signalAbortedDuringReconcile = false;
  const controller = new Controller({
    name: "slow",
    log: silentLogger(),
    metrics: new RuntimeMetrics({ processMetrics: false }),
    watches: [{ informer }],
    reconciler: {
      async reconcile(key, ctx) {
        started.push(key);
        await new Promise((r) => setTimeout(r, 100));
        signalAbortedDuringReconcile ||= ctx.signal.aborted;
        finished.push(key);
        return undefined;
      },
    },
  });
  const informerStop = new AbortController();
  informer.start(informerStop.signal);
  await informer.waitForSync();
  const stop = new AbortController();
  const reconcileSignal = new AbortController();
  const run = controller.run(stop.signal, reconcileSignal.signal);
  await eventually(() => started.length === 1, "first reconcile");
  stop.abort();
  await run;
  assert.deepEqual(started, ["ns/a"]);
  assert.deepEqual(finished, ["ns/a"], "the in-flight reconcile completed");
  assert.equal(signalAbortedDuringReconcile, false);
  informerStop.abort();
  await informer.stopped();
});

void test("controller: an error carrying the apiserver's Retry-After is not retried sooner", async () => {
  const api = new FakeApi([{ items: [cm("busy", "1")], resourceVersion: "1" }], []);
  const informer = new Informer(api, configMapRef);
  const attempts: number[] = [];
  const controller = new Controller({
    name: "throttled",
    log: silentLogger(),
    metrics: new RuntimeMetrics({ processMetrics: false }),
    queue: { baseDelayMs: 5 },
    watches: [{ informer }],
    reconciler: {
      reconcile() {
        attempts.push(performance.now());
        if (attempts.length > 1) return Promise.resolve(undefined);
        const throttled = ApiError.fromResponse(429, "Too many requests", "PATCH /x", "0.3");
        return Promise.reject(new Error("patching status failed", { cause: throttled }));
      },
    },
  });
  const stop = new AbortController();
  informer.start(stop.signal);
  await informer.waitForSync();
  const run = controller.run(stop.signal);
  await eventually(() => attempts.length === 2, "the retry");
  const gap = attempts[1]! - attempts[0]!;
  assert.ok(gap >= 295, `retried after ${gap.toFixed(0)} ms, not the 5 ms backoff`);
  stop.abort();
  await run;
  await informer.stopped();
});
