import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Informer, type ListerWatcher } from "../../../src/runtime/informer.js";
import {
  coreRefs,
  type KubeObject,
  type WatchEvent,
  type WatchOptions,
} from "../../../src/runtime/kube-client.js";
import { eventually, startEnv, testLogger, type TestEnv } from "./env.js";

let env: TestEnv;
// Without the watch cache and with etcd compacted every second, an old
// resourceVersion really expires: the apiserver answers 410 Expired.
before(
  async () =>
    (env = await startEnv({ extraApiServerArgs: ["--watch-cache=false", "--etcd-compaction-interval=1s"] })),
);
after(() => env?.stop());

const names = (informer: Informer) =>
  informer
    .list()
    .map((o) => o.metadata.name)
    .sort();

void test("informer: sees creates, updates and deletes; readiness after the first list", async () => {
  const ns = await env.namespace("inf");
  await env.client.create(coreRefs.configMap, { metadata: { name: "before", namespace: ns } });
  const informer = new Informer(env.client, coreRefs.configMap, { namespace: ns, log: testLogger() });
  const changes: string[] = [];
  informer.onChange((obj, key, deleted) => changes.push(`${deleted ? "-" : "+"}${key}`));
  const stop = new AbortController();
  assert.equal(informer.hasSynced(), false);
  informer.start(stop.signal);
  await informer.waitForSync();
  assert.deepEqual(names(informer), ["before"]);

  await env.client.create(coreRefs.configMap, { metadata: { name: "x", namespace: ns }, data: { v: "1" } });
  await eventually(() => informer.get(`${ns}/x`), "x in cache");
  await env.client.patch(coreRefs.configMap, "x", ns, { data: { v: "2" } }, "merge");
  await eventually(
    () => (informer.get(`${ns}/x`)?.data as { v?: string } | undefined)?.v === "2",
    "x updated",
  );
  await env.client.delete(coreRefs.configMap, "before", ns);
  await eventually(() => !informer.get(`${ns}/before`), "before removed");
  assert.deepEqual(changes, [`+${ns}/before`, `+${ns}/x`, `+${ns}/x`, `-${ns}/before`]);
  stop.abort();
  await informer.stopped();
});

void test("informer: relists after a real 410 and catches up on what it missed", async () => {
  const ns = await env.namespace("gone");
  await env.client.create(coreRefs.configMap, { metadata: { name: "stays", namespace: ns } });
  await env.client.create(coreRefs.configMap, { metadata: { name: "goes", namespace: ns } });

  // The first watch "drops" without contacting the server, as a broken
  // connection would; the informer then resumes from its list's version,
  // which etcd has compacted away meanwhile.
  const watchCalls: WatchOptions[] = [];
  const watchEvents: string[] = [];
  let dropped = false;
  let writesDone!: () => void;
  const afterWrites = new Promise<void>((r) => (writesDone = r));
  const flaky: ListerWatcher = {
    list: (ref, opts) => env.client.list(ref, opts),
    async watch(ref, opts, onEvent) {
      watchCalls.push(opts);
      if (!dropped) {
        dropped = true;
        await afterWrites;
        // Compaction lags one interval behind: three ticks surely pass the writes.
        await new Promise((r) => setTimeout(r, 3000));
        return;
      }
      return env.client.watch(ref, opts, (e: WatchEvent) => {
        watchEvents.push(e.type === "ERROR" ? `ERROR ${e.object.code}` : e.type);
        onEvent(e);
      });
    },
  };
  const informer = new Informer<KubeObject>(flaky, coreRefs.configMap, { namespace: ns, log: testLogger() });
  const deleted: string[] = [];
  informer.onChange((obj, _key, isDeleted) => isDeleted && deleted.push(obj.metadata.name));
  const stop = new AbortController();
  informer.start(stop.signal);
  await informer.waitForSync();
  const listedAt = watchCalls[0]?.resourceVersion;
  await env.client.delete(coreRefs.configMap, "goes", ns);
  await env.client.create(coreRefs.configMap, { metadata: { name: "new", namespace: ns } });
  for (let i = 0; i < 5; i++) {
    await env.client.create(coreRefs.configMap, { metadata: { name: `filler${i}`, namespace: ns } });
  }
  writesDone();

  await eventually(() => watchEvents.includes("ERROR 410"), "a 410 from the apiserver", 20_000);
  await eventually(() => informer.get(`${ns}/new`) && !informer.get(`${ns}/goes`), "relisted state", 10_000);
  assert.equal(watchCalls[1]?.resourceVersion, listedAt, "resumed from the listed version first");
  assert.notEqual(watchCalls.at(-1)?.resourceVersion, listedAt, "then watched from the relist's version");
  assert.deepEqual(deleted, ["goes"], "the missed delete is reported by the relist");
  assert.ok(informer.get(`${ns}/stays`));
  stop.abort();
  await informer.stopped();
});
