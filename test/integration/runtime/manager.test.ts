import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { requeueAfter } from "../../../src/runtime/controller.js";
import { coreRefs } from "../../../src/runtime/kube-client.js";
import { Manager } from "../../../src/runtime/manager.js";
import { eventually, installWidgetCrd, startEnv, testLogger, widgetRef, type TestEnv } from "./env.js";

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

const get = async (manager: Manager, path: string) => {
  const res = await fetch(`http://127.0.0.1:${manager.healthPort()}${path}`);
  return { status: res.status, body: await res.text() };
};

void test("manager: /readyz turns 200 only after every informer synced; /healthz and /metrics", async () => {
  const ns = await env.namespace("ready");
  const manager = new Manager({
    kubeconfig: env.cp.kubeconfigPath,
    healthAddress: "127.0.0.1:0",
    log: testLogger(),
  });
  const widgets = manager.addInformer(widgetRef, { namespace: ns }); // CRD not installed yet: cannot sync
  const configMaps = manager.addInformer(coreRefs.configMap, { namespace: ns });
  assert.equal(
    manager.addInformer(coreRefs.configMap, { namespace: ns }),
    configMaps,
    "shared per ref + namespace",
  );
  manager.addController({
    name: "widgets",
    watches: [{ informer: widgets }],
    reconciler: { reconcile: () => Promise.resolve(undefined) },
  });
  try {
    const starting = manager.start();
    await eventually(() => manager.healthPort(), "health server");
    const notReady = await eventually(async () => {
      const r = await get(manager, "/readyz");
      return r.status === 503 && r.body.includes("[+]informer:configmaps in") ? r : undefined;
    }, "configmaps synced, widgets not");
    assert.match(notReady.body, /\[-\]informer:widgets\.test\.rootfs\.dev in \S+ failed: not synced/);
    assert.match(notReady.body, /\[-\]manager failed: not started/);
    assert.equal((await get(manager, "/healthz")).status, 200);

    await installWidgetCrd(env);
    await starting;
    const ready = await get(manager, "/readyz");
    assert.equal(ready.status, 200);
    assert.equal(ready.body, "ok\n");
    assert.match(
      (await get(manager, "/readyz?verbose")).body,
      /\[\+\]informer:widgets\.test\.rootfs\.dev in \S+ ok/,
    );

    await env.client.create(widgetRef, {
      apiVersion: "test.rootfs.dev/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: ns },
    });
    const metrics = await eventually(async () => {
      const body = (await get(manager, "/metrics")).body;
      return (
        /^controller_runtime_reconcile_total\{controller="widgets",result="success"\} 1$/m.test(body) && body
      );
    }, "a reconcile counted");
    for (const name of [
      'controller_runtime_reconcile_total{controller="widgets",result="success"}',
      'controller_runtime_reconcile_errors_total{controller="widgets"}',
      'controller_runtime_terminal_reconcile_errors_total{controller="widgets"}',
      'controller_runtime_reconcile_time_seconds_bucket{le="0.005",controller="widgets"}',
      'controller_runtime_active_workers{controller="widgets"}',
      'controller_runtime_max_concurrent_reconciles{controller="widgets"} 1',
      'workqueue_depth{name="widgets"}',
      'workqueue_adds_total{name="widgets"}',
      'workqueue_retries_total{name="widgets"}',
      'workqueue_queue_duration_seconds_bucket{le="1e-8",name="widgets"}',
      'workqueue_work_duration_seconds_bucket{le="1e-8",name="widgets"}',
      'workqueue_unfinished_work_seconds{name="widgets"}',
      'workqueue_longest_running_processor_seconds{name="widgets"}',
      "rest_client_requests_total{",
      "process_cpu_seconds_total",
    ]) {
      assert.ok(metrics.includes(name), `/metrics lacks ${name}`);
    }
  } finally {
    await manager.stop();
  }
  assert.equal((await get(manager, "/readyz").catch(() => undefined)) ?? "closed", "closed");
});

void test("manager: reconciles from the cache, requeues, and drains in-flight work on stop", async () => {
  const ns = await env.namespace("work");
  const manager = new Manager({
    kubeconfig: env.cp.kubeconfigPath,
    healthAddress: false,
    log: testLogger(),
    gracefulShutdownMs: 5000,
  });
  const informer = manager.addInformer(coreRefs.configMap, { namespace: ns });
  const passes = new Map<string, number>();
  let slowStarted = false;
  let slowFinished = false;
  let signalAbortedInSlow: boolean | undefined;
  manager.addController({
    name: "configmaps",
    workers: 2,
    watches: [{ informer }],
    reconciler: {
      async reconcile(key, ctx) {
        passes.set(key, (passes.get(key) ?? 0) + 1);
        const { name } = informer.get(key)?.metadata ?? { name: "" };
        if (name === "ticker") return requeueAfter(100);
        if (name === "slow") {
          slowStarted = true;
          await new Promise((r) => setTimeout(r, 800));
          signalAbortedInSlow = ctx.signal.aborted;
          slowFinished = true;
          return undefined;
        }
        // Converge: stamp an annotation once (the resulting update event finds nothing to do).
        const cm = informer.get(key);
        if (cm && !cm.metadata.annotations?.["reconciled"]) {
          await manager.client.patch(
            coreRefs.configMap,
            cm.metadata.name,
            ns,
            {
              metadata: { annotations: { reconciled: ctx.reconcileID } },
            },
            "merge",
          );
        }
        return undefined;
      },
    },
  });
  await env.client.create(coreRefs.configMap, { metadata: { name: "existing", namespace: ns } });
  await manager.start();
  await env.client.create(coreRefs.configMap, { metadata: { name: "ticker", namespace: ns } });
  await env.client.create(coreRefs.configMap, { metadata: { name: "later", namespace: ns } });
  for (const name of ["existing", "later"]) {
    await eventually(
      async () => (await env.client.get(coreRefs.configMap, name, ns)).metadata.annotations?.["reconciled"],
      `${name} annotated`,
    );
  }
  await eventually(() => (passes.get(`${ns}/ticker`) ?? 0) >= 4, "requeueAfter repeating");

  await env.client.create(coreRefs.configMap, { metadata: { name: "slow", namespace: ns } });
  await eventually(() => slowStarted, "slow reconcile started");
  await manager.stop();
  assert.equal(slowFinished, true, "stop() waited for the in-flight reconcile");
  assert.equal(signalAbortedInSlow, false, "graceful stop does not abort in-flight reconciles");
  const tickerPasses = passes.get(`${ns}/ticker`);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(passes.get(`${ns}/ticker`), tickerPasses, "no reconciles after stop");
});
