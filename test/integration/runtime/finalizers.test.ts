import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ensureFinalizer, hasFinalizer, removeFinalizer } from "../../../src/runtime/finalizers.js";
import { isConflict, isNotFound, type KubeObject } from "../../../src/runtime/kube-client.js";
import { reconcileStatus } from "../../../src/runtime/status.js";
import { installWidgetCrd, startEnv, widgetRef, type TestEnv } from "./env.js";

type Widget = KubeObject & { status?: { phase?: string } };

const finalizer = "test.rootfs.dev/cleanup";

let env: TestEnv;
before(async () => {
  env = await startEnv();
  await installWidgetCrd(env);
});
after(() => env?.stop());

const create = (ns: string, name: string, finalizers?: string[]) =>
  env.client.create<Widget>(widgetRef, {
    apiVersion: "test.rootfs.dev/v1",
    kind: "Widget",
    metadata: { name, namespace: ns, ...(finalizers && { finalizers }) },
  });

void test("finalizers: add is idempotent and keeps other finalizers", async () => {
  const ns = await env.namespace("fin");
  const w = await create(ns, "w", ["other.dev/keep"]);
  const updated = await ensureFinalizer(env.client, widgetRef, w, finalizer);
  assert.deepEqual(updated.metadata.finalizers, ["other.dev/keep", finalizer]);
  assert.equal(hasFinalizer(w, finalizer), true, "the passed object is updated too");
  assert.equal(w.metadata.resourceVersion, updated.metadata.resourceVersion);
  const again = await ensureFinalizer(env.client, widgetRef, updated, finalizer);
  assert.equal(again.metadata.resourceVersion, updated.metadata.resourceVersion, "no write when present");
});

void test("finalizers: a stale object is rejected instead of overwriting a concurrent change", async () => {
  const ns = await env.namespace("stale");
  const w = await create(ns, "w");
  await env.client.patch(widgetRef, "w", ns, { metadata: { finalizers: ["other.dev/new"] } }, "merge");
  await assert.rejects(ensureFinalizer(env.client, widgetRef, w, finalizer), (e) => isConflict(e));
  const current = await env.client.get<Widget>(widgetRef, "w", ns);
  assert.deepEqual(current.metadata.finalizers, ["other.dev/new"]);
});

void test("finalizers: deletion waits for removal; removing the last one lets the object go", async () => {
  const ns = await env.namespace("del");
  await create(ns, "w", [finalizer]);
  await env.client.delete(widgetRef, "w", ns);
  const deleting = await env.client.get<Widget>(widgetRef, "w", ns);
  assert.ok(deleting.metadata.deletionTimestamp, "held by the finalizer");
  await removeFinalizer(env.client, widgetRef, deleting, finalizer);
  await assert.rejects(env.client.get(widgetRef, "w", ns), isNotFound, "gone");
  // Removing again (object gone) is a no-op.
  await removeFinalizer(
    env.client,
    widgetRef,
    { ...deleting, metadata: { ...deleting.metadata, finalizers: [finalizer] } },
    finalizer,
  );
});

void test("finalizers: adding one inside the status harness still writes status in a single pass", async () => {
  const ns = await env.namespace("harness");
  await create(ns, "w");
  let passes = 0;
  await reconcileStatus<Widget>(env.client, widgetRef, `${ns}/w`, async (draft) => {
    passes++;
    await ensureFinalizer(env.client, widgetRef, draft, finalizer);
    draft.status = { phase: "Pending" };
    return undefined;
  });
  assert.equal(passes, 1, "the draft's resourceVersion followed the finalizer patch");
  const w = await env.client.get<Widget>(widgetRef, "w", ns);
  assert.deepEqual(w.metadata.finalizers, [finalizer]);
  assert.equal(w.status?.phase, "Pending");
});
