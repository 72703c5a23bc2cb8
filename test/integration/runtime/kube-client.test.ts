import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  coreRefs,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isInvalid,
  isNotFound,
  KubeClient,
  type KubeObject,
  type WatchEvent,
} from "../../../src/runtime/kube-client.js";
import { eventually, startEnv, type TestEnv } from "./env.js";

type ConfigMap = KubeObject & { data?: Record<string, string> };

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

void test("kube-client: create, get, replace with resourceVersion precondition, delete", async () => {
  const { client } = env;
  const ns = await env.namespace("crud");
  await assert.rejects(
    client.get(coreRefs.configMap, "missing", ns),
    (e) => isNotFound(e) && e instanceof Error && /configmaps "missing" not found/.test(e.message),
    "404 → NotFound",
  );
  assert.equal(await client.getOrUndefined(coreRefs.configMap, "missing", ns), undefined, "404 → undefined");

  const created = await client.create<ConfigMap>(coreRefs.configMap, {
    metadata: { name: "a", namespace: ns },
    data: { k: "v1" },
  });
  assert.equal(created.kind, "ConfigMap");
  assert.ok(created.metadata.uid && created.metadata.resourceVersion);
  await assert.rejects(
    client.create(coreRefs.configMap, { metadata: { name: "a", namespace: ns } }),
    (e) => isAlreadyExists(e) && !isConflict(e),
  );

  const got = await client.get<ConfigMap>(coreRefs.configMap, "a", ns);
  assert.deepEqual(got.data, { k: "v1" });
  assert.deepEqual((await client.getOrUndefined<ConfigMap>(coreRefs.configMap, "a", ns))?.data, { k: "v1" });
  const updated = await client.replace<ConfigMap>(coreRefs.configMap, { ...got, data: { k: "v2" } });
  assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
  await assert.rejects(
    client.replace(coreRefs.configMap, { ...got, data: { k: "stale" } }),
    (e) => isConflict(e),
    "stale resourceVersion → 409 Conflict",
  );

  await assert.rejects(
    client.delete(coreRefs.configMap, "a", ns, {
      preconditions: { uid: "00000000-0000-0000-0000-000000000000" },
    }),
    (e) => isConflict(e),
    "uid precondition mismatch",
  );
  await client.delete(coreRefs.configMap, "a", ns, { preconditions: { uid: created.metadata.uid } });
  assert.equal(await client.getOrUndefined(coreRefs.configMap, "a", ns), undefined);
  await client.delete(coreRefs.configMap, "a", ns); // already gone: fine
});

void test("kube-client: merge, JSON, strategic and server-side apply patches", async () => {
  const { client } = env;
  const ns = await env.namespace("patch");
  await client.create(coreRefs.configMap, { metadata: { name: "p", namespace: ns }, data: { a: "1" } });

  let cm = await client.patch<ConfigMap>(coreRefs.configMap, "p", ns, { data: { b: "2" } }, "merge");
  assert.deepEqual(cm.data, { a: "1", b: "2" });
  cm = await client.patch<ConfigMap>(
    coreRefs.configMap,
    "p",
    ns,
    [{ op: "remove", path: "/data/a" }],
    "json",
  );
  assert.deepEqual(cm.data, { b: "2" });
  cm = await client.patch<ConfigMap>(
    coreRefs.configMap,
    "p",
    ns,
    { metadata: { labels: { x: "y" } } },
    "strategic",
  );
  assert.deepEqual(cm.metadata.labels, { x: "y" });
  cm = await client.patch<ConfigMap>(
    coreRefs.configMap,
    "p",
    ns,
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p", namespace: ns }, data: { c: "3" } },
    "apply",
    { fieldManager: "runtime-test", force: true },
  );
  assert.equal(cm.data?.c, "3");
  await assert.rejects(
    client.patch(coreRefs.configMap, "p", ns, { metadata: { resourceVersion: "1" } }, "merge"),
    (e) => isConflict(e),
    "resourceVersion in a merge patch is a precondition",
  );
  await assert.rejects(client.patch(coreRefs.configMap, "nope", ns, { data: {} }, "merge"), (e) =>
    isNotFound(e),
  );
});

void test("kube-client: list pages with limit/continue and fills in apiVersion/kind", async () => {
  const { client } = env;
  const ns = await env.namespace("list");
  for (let i = 0; i < 5; i++)
    await client.create(coreRefs.configMap, { metadata: { name: `c${i}`, namespace: ns } });
  const names: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const page = await client.list(coreRefs.configMap, {
      namespace: ns,
      limit: 2,
      ...(cont && { continue: cont }),
    });
    pages++;
    assert.ok(page.resourceVersion);
    for (const item of page.items) {
      assert.equal(item.apiVersion, "v1");
      assert.equal(item.kind, "ConfigMap");
      names.push(item.metadata.name);
    }
    cont = page.continue;
  } while (cont);
  assert.equal(pages, 3);
  assert.deepEqual(names.filter((n) => n.startsWith("c")).sort(), ["c0", "c1", "c2", "c3", "c4"]);
  const selected = await client.list(coreRefs.namespace, {
    labelSelector: `kubernetes.io/metadata.name=${ns}`,
  });
  assert.deepEqual(
    selected.items.map((n) => n.metadata.name),
    [ns],
  );
});

void test("kube-client: watch streams events and resolves when the server closes", async () => {
  const { client } = env;
  const ns = await env.namespace("watch");
  const { resourceVersion } = await client.list(coreRefs.configMap, { namespace: ns });
  const events: WatchEvent[] = [];
  const stop = new AbortController();
  const watching = client.watch(
    coreRefs.configMap,
    { namespace: ns, resourceVersion, allowWatchBookmarks: true, signal: stop.signal },
    (e) => events.push(e),
  );
  await client.create(coreRefs.configMap, { metadata: { name: "w", namespace: ns } });
  await client.patch(coreRefs.configMap, "w", ns, { data: { x: "1" } }, "merge");
  await client.delete(coreRefs.configMap, "w", ns);
  await eventually(() => events.length >= 3, "three events");
  assert.deepEqual(
    events.map(
      (e) => `${e.type} ${e.object.kind === "Status" ? "" : (e.object as KubeObject).metadata.name}`,
    ),
    ["ADDED w", "MODIFIED w", "DELETED w"],
  );
  stop.abort();
  await watching; // resolves on abort

  const t0 = Date.now();
  await client.watch(
    coreRefs.configMap,
    { namespace: ns, resourceVersion, timeoutSeconds: 1, signal: new AbortController().signal },
    () => undefined,
  );
  assert.ok(Date.now() - t0 < 5000, "server-side timeout ends the watch");
});

void test("kube-client: error classification (Invalid, Forbidden) and raw endpoints", async () => {
  const { client } = env;
  const ns = await env.namespace("errors");
  await assert.rejects(
    client.create(coreRefs.configMap, { metadata: { name: "Not_A_Valid_Name", namespace: ns } }),
    (e) => isInvalid(e) && (e as { causes?: unknown[] }).causes!.length > 0,
  );
  const saKubeconfig = await env.cp.serviceAccountKubeconfig(ns, "nobody");
  const restricted = KubeClient.load({ kubeconfig: saKubeconfig });
  try {
    await assert.rejects(restricted.list(coreRefs.configMap, { namespace: ns }), (e) => isForbidden(e));
  } finally {
    restricted.close();
  }
  const version = (await client.raw("GET", "/version")) as { major: string };
  assert.equal(version.major, "1");
  const metrics = await client.raw("GET", "/metrics");
  assert.equal(typeof metrics, "string");
  assert.match(metrics as string, /apiserver_request_total/);
  await assert.rejects(client.get(coreRefs.configMap, "x"), /namespace is required/);
});
