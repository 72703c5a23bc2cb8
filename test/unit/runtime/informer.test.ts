import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../../src/runtime/api-error.js";
import { Informer } from "../../../src/runtime/informer.js";
import type { KubeObject } from "../../../src/runtime/kube-object.js";
import { blockUntilAborted, cm, configMapRef, eventually, FakeApi } from "./fake-api.js";

type Change = [string, string, boolean];

function record(informer: Informer): Change[] {
  const changes: Change[] = [];
  informer.onChange((obj: KubeObject, key, deleted) =>
    changes.push([key, obj.metadata.resourceVersion ?? "", deleted]),
  );
  return changes;
}

void test("informer: lists page by page, then applies watch events", async () => {
  const api = new FakeApi(
    [
      { items: [cm("a", "1")], resourceVersion: "5", continue: "page2" },
      { items: [cm("b", "2")], resourceVersion: "5" },
    ],
    [
      async (_opts, emit) => {
        emit({ type: "ADDED", object: cm("c", "6") });
        emit({ type: "MODIFIED", object: cm("a", "7") });
        emit({ type: "DELETED", object: cm("b", "8") });
        await blockUntilAborted(_opts, emit);
      },
    ],
  );
  const informer = new Informer(api, configMapRef, { namespace: "ns", pageSize: 1 });
  const changes = record(informer);
  const stop = new AbortController();
  informer.start(stop.signal);
  await informer.waitForSync();
  await eventually(() => changes.length === 5, "5 changes");
  assert.deepEqual(changes, [
    ["ns/a", "1", false],
    ["ns/b", "2", false],
    ["ns/c", "6", false],
    ["ns/a", "7", false],
    ["ns/b", "8", true],
  ]);
  assert.deepEqual(api.listCalls, [
    { namespace: "ns", limit: 1 },
    { namespace: "ns", limit: 1, continue: "page2" },
  ]);
  assert.equal(api.watchCalls[0]?.resourceVersion, "5");
  assert.equal(api.watchCalls[0]?.allowWatchBookmarks, true);
  assert.deepEqual(
    informer
      .list()
      .map((o) => o.metadata.name)
      .sort(),
    ["a", "c"],
  );
  assert.equal(informer.get("ns/a")?.metadata.resourceVersion, "7");
  stop.abort();
  await informer.stopped();
});

void test("informer: relists after a 410 ERROR event and reports only the difference", async () => {
  const api = new FakeApi(
    [
      { items: [cm("a", "1"), cm("b", "2")], resourceVersion: "10" },
      { items: [cm("a", "1"), cm("c", "12")], resourceVersion: "12" },
    ],
    [
      (_opts, emit) => {
        emit({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired", message: "too old" } });
        return Promise.resolve();
      },
      // The server closes after a bookmark: the next watch resumes from the bookmark's version.
      (_opts, emit) => {
        emit({ type: "BOOKMARK", object: { metadata: { name: "", resourceVersion: "20" } } });
        return new Promise((r) => setTimeout(r, 1100));
      },
    ],
  );
  const informer = new Informer(api, configMapRef);
  const changes = record(informer);
  const stop = new AbortController();
  informer.start(stop.signal);
  await eventually(() => api.watchCalls.length === 3, "third watch", 5000);
  assert.equal(api.listCalls.length, 2, "relisted once");
  assert.deepEqual(
    api.watchCalls.map((w) => w.resourceVersion),
    ["10", "12", "20"],
  );
  assert.deepEqual(changes, [
    ["ns/a", "1", false],
    ["ns/b", "2", false],
    ["ns/b", "2", true],
    ["ns/c", "12", false],
  ]);
  stop.abort();
  await informer.stopped();
});

void test("informer: relists when the watch request itself answers 410", async () => {
  const api = new FakeApi(
    [
      { items: [cm("a", "1")], resourceVersion: "3" },
      { items: [cm("a", "4")], resourceVersion: "4" },
    ],
    [
      () =>
        Promise.reject(new ApiError("watch: too old resource version", { status: 410, reason: "Expired" })),
    ],
  );
  const informer = new Informer(api, configMapRef);
  const changes = record(informer);
  const stop = new AbortController();
  informer.start(stop.signal);
  await eventually(() => api.watchCalls.length === 2, "second watch");
  assert.deepEqual(changes, [
    ["ns/a", "1", false],
    ["ns/a", "4", false],
  ]);
  stop.abort();
  await informer.stopped();
});

void test("informer: retries a failed list with backoff and is not synced until it succeeds", async () => {
  const api = new FakeApi(
    [new ApiError("the server could not find the requested resource", { status: 404, reason: "NotFound" })],
    [],
  );
  const informer = new Informer(api, configMapRef);
  const stop = new AbortController();
  informer.start(stop.signal);
  await eventually(() => api.listCalls.length === 1, "first list");
  assert.equal(informer.hasSynced(), false);
  // The second list (after ~0.8 s) gets the empty default answer below.
  (api as unknown as { lists: unknown[] }).lists.push({ items: [], resourceVersion: "1" });
  await informer.waitForSync();
  assert.equal(api.listCalls.length, 2);
  stop.abort();
  await informer.stopped();
  await assert.rejects(new Informer(api, configMapRef).waitForSync(AbortSignal.abort()), /stopped before/);
});
