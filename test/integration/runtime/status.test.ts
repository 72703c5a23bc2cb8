import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { isConflict, KubeClient, type KubeObject } from "../../../src/runtime/kube-client.js";
import { requeueAfter } from "../../../src/runtime/reconcile.js";
import { reconcileStatus } from "../../../src/runtime/status.js";
import { installWidgetCrd, startEnv, widgetRef, type TestEnv } from "./env.js";

type Widget = KubeObject & {
  spec?: { size?: number };
  status?: { phase?: string; observedGeneration?: number; passes?: number };
};

let env: TestEnv;
before(async () => {
  env = await startEnv();
  await installWidgetCrd(env);
});
after(() => env?.stop());

async function widget(ns: string, name: string): Promise<Widget> {
  return env.client.create<Widget>(widgetRef, {
    apiVersion: "test.rootfs.dev/v1",
    kind: "Widget",
    metadata: { name, namespace: ns },
    spec: { size: 1 },
  });
}

/** A client that counts its requests by method. */
function countingClient(): { client: KubeClient; count: (method: string) => number } {
  const client = KubeClient.load({ kubeconfig: env.cp.kubeconfigPath });
  const counts = new Map<string, number>();
  client.observeRequests(({ method }) => counts.set(method, (counts.get(method) ?? 0) + 1));
  return { client, count: (method) => counts.get(method) ?? 0 };
}

const rv = async (ns: string, name: string) =>
  (await env.client.get<Widget>(widgetRef, name, ns)).metadata.resourceVersion;

void test("status harness: writes status once when it changed, not at all when it did not", async () => {
  const ns = await env.namespace("status");
  const created = await widget(ns, "w");
  let calls = 0;
  const { client, count } = countingClient();
  const result = await reconcileStatus<Widget>(client, widgetRef, `${ns}/w`, (draft, original) => {
    calls++;
    assert.equal(original.status, undefined);
    draft.status = { phase: "Ready", observedGeneration: draft.metadata.generation ?? 0 };
    return requeueAfter(1000);
  });
  assert.deepEqual(result, { requeueAfterMs: 1000 });
  assert.equal(calls, 1);
  assert.equal(count("PUT"), 1, "one status write");
  const after1 = await env.client.get<Widget>(widgetRef, "w", ns);
  assert.deepEqual(after1.status, { phase: "Ready", observedGeneration: 1 });
  assert.notEqual(after1.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.equal(after1.metadata.generation, 1, "status writes do not bump generation");

  const before2 = await rv(ns, "w");
  await reconcileStatus<Widget>(client, widgetRef, `${ns}/w`, (draft) => {
    draft.status = { observedGeneration: 1, phase: "Ready" }; // same content, different key order
    return undefined;
  });
  assert.equal(await rv(ns, "w"), before2, "no write for an unchanged status");
  assert.equal(count("PUT"), 1);
  client.close();
});

void test("status harness: a 409 reruns the pass on a fresh copy", async () => {
  const ns = await env.namespace("conflict");
  await widget(ns, "w");
  const seenSizes: (number | undefined)[] = [];
  const { client, count } = countingClient();
  await reconcileStatus<Widget>(client, widgetRef, `${ns}/w`, async (draft) => {
    seenSizes.push(draft.spec?.size);
    if (seenSizes.length === 1) {
      // Someone else changes the object between our read and our write.
      await env.client.patch(widgetRef, "w", ns, { spec: { size: 2 } }, "merge");
    }
    draft.status = { phase: `size-${draft.spec?.size}`, passes: seenSizes.length };
    return undefined;
  });
  assert.deepEqual(seenSizes, [1, 2], "second pass saw the new spec");
  assert.equal(count("PUT"), 2, "the rejected write and the successful one");
  assert.equal(count("GET"), 2, "a fresh read per pass");
  client.close();
  const w = await env.client.get<Widget>(widgetRef, "w", ns);
  assert.deepEqual(w.status, { phase: "size-2", passes: 2 });
  assert.equal(w.spec?.size, 2, "the other writer's change survives");
});

void test("status harness: gives up after bounded conflicts", async () => {
  const ns = await env.namespace("bounded");
  await widget(ns, "w");
  let calls = 0;
  await assert.rejects(
    reconcileStatus<Widget>(
      env.client,
      widgetRef,
      `${ns}/w`,
      async (draft) => {
        calls++;
        await env.client.patch(widgetRef, "w", ns, { metadata: { labels: { n: String(calls) } } }, "merge");
        draft.status = { passes: calls };
        return undefined;
      },
      { maxConflictRetries: 2 },
    ),
    (e) => isConflict(e),
  );
  assert.equal(calls, 3);
});

void test("status harness: a failing pass still records its status, then rethrows", async () => {
  const ns = await env.namespace("failing");
  await widget(ns, "w");
  await assert.rejects(
    reconcileStatus<Widget>(env.client, widgetRef, `${ns}/w`, (draft) => {
      draft.status = { phase: "Failed", observedGeneration: 1 };
      throw new Error("install VM did not boot");
    }),
    /did not boot/,
  );
  assert.equal((await env.client.get<Widget>(widgetRef, "w", ns)).status?.phase, "Failed");
});

void test("status harness: a missing or vanishing object ends the pass quietly", async () => {
  const ns = await env.namespace("gone");
  let called = false;
  const none = await reconcileStatus<Widget>(env.client, widgetRef, `${ns}/absent`, () => {
    called = true;
    return requeueAfter(5);
  });
  assert.equal(none, undefined);
  assert.equal(called, false);

  await widget(ns, "w");
  const result = await reconcileStatus<Widget>(env.client, widgetRef, `${ns}/w`, async (draft) => {
    await env.client.delete(widgetRef, "w", ns);
    draft.status = { phase: "Deleting" };
    return requeueAfter(7);
  });
  assert.deepEqual(result, requeueAfter(7));
});
