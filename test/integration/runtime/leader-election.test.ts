import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { coreRefs, isConflict, type KubeObject } from "../../../src/runtime/kube-client.js";
import { LeaderElector } from "../../../src/runtime/leader-election.js";
import { Manager } from "../../../src/runtime/manager.js";
import { eventually, startEnv, testLogger, type TestEnv } from "./env.js";

type Lease = KubeObject & { spec?: { holderIdentity?: string; leaseTransitions?: number } };

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

const timing = { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 500 };

const holder = async (ns: string, name: string) =>
  (await env.client.get<Lease>(coreRefs.lease, name, ns)).spec?.holderIdentity;

function replica(ns: string, reconciled: string[]): Manager {
  const manager = new Manager({
    kubeconfig: env.cp.kubeconfigPath,
    healthAddress: "127.0.0.1:0",
    log: testLogger(),
    gracefulShutdownMs: 5000,
    leaderElection: { namespace: ns, name: "operator-lock", ...timing },
  });
  const informer = manager.addInformer(coreRefs.configMap, { namespace: ns });
  manager.addController({
    name: "configmaps",
    watches: [{ informer }],
    reconciler: {
      reconcile(key) {
        reconciled.push(`${manager.identity}|${key}`);
        return Promise.resolve(undefined);
      },
    },
  });
  return manager;
}

async function masterStatus(manager: Manager): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${manager.healthPort()}/metrics`);
  return /^leader_election_master_status\{name="operator-lock"\} (\d)$/m.exec(await res.text())?.[1];
}

void test("leader election: one of two managers leads; the other takes over when it stops", async () => {
  const ns = await env.namespace("le");
  await env.client.create(coreRefs.configMap, { metadata: { name: "work", namespace: ns } });
  const reconciled: string[] = [];
  const a = replica(ns, reconciled);
  const b = replica(ns, reconciled);
  try {
    await Promise.all([a.start(), b.start()]);
    const leader = await eventually(() => (a.isLeader() ? a : b.isLeader() ? b : undefined), "a leader");
    const follower = leader === a ? b : a;
    // Several renew periods later it is still exactly that one.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(leader.isLeader(), true);
    assert.equal(follower.isLeader(), false);
    assert.equal(await holder(ns, "operator-lock"), leader.identity);
    assert.equal(await masterStatus(leader), "1");
    assert.equal(await masterStatus(follower), "0");
    await eventually(() => reconciled.length > 0, "the leader reconciling");
    assert.ok(
      reconciled.every((r) => r.startsWith(`${leader.identity}|`)),
      "only the leader reconciles",
    );

    await leader.stop(); // graceful: releases the lease
    const t0 = Date.now();
    await eventually(() => follower.isLeader(), "the follower taking over", 5000);
    const takeoverMs = Date.now() - t0;
    assert.ok(takeoverMs < timing.leaseDurationMs, `released lease taken over in ${takeoverMs} ms`);
    assert.equal(await holder(ns, "operator-lock"), follower.identity);
    // The new leader replays its cache, so existing objects get reconciled again.
    await eventually(
      () => reconciled.some((r) => r === `${follower.identity}|${ns}/work`),
      "the new leader reconciling",
    );
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

void test("leader election: without a release, a successor waits out the lease", async () => {
  const ns = await env.namespace("crash");
  const leading = new Set<string>();
  const elector = (id: string) =>
    new LeaderElector({
      client: env.client,
      namespace: ns,
      name: "lock",
      identity: id,
      ...timing,
      releaseOnCancel: false,
      log: testLogger(),
      onStartedLeading: (signal) =>
        new Promise<void>((resolve) => {
          leading.add(id);
          signal.addEventListener("abort", () => (leading.delete(id), resolve()), { once: true });
        }),
    });
  const first = new AbortController();
  const second = new AbortController();
  const runFirst = elector("first").run(first.signal);
  await eventually(() => leading.has("first"), "first leading");
  const runSecond = elector("second").run(second.signal);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(leading.has("second"), false, "no takeover while the lease is renewed");

  first.abort(); // "crash": stops renewing, keeps holderIdentity
  await runFirst;
  assert.equal(await holder(ns, "lock"), "first");
  const t0 = Date.now();
  await eventually(() => leading.has("second"), "second leading", 10_000);
  const waited = Date.now() - t0;
  assert.ok(waited >= 1000 && waited < 6000, `took over after ${waited} ms`);
  const lease = await env.client.get<Lease>(coreRefs.lease, "lock", ns);
  assert.equal(lease.spec?.holderIdentity, "second");
  assert.equal(lease.spec?.leaseTransitions, 1);
  second.abort();
  await runSecond;
});

void test("leader election: seeing another holder ends leadership at once", async () => {
  const ns = await env.namespace("lost");
  let stoppedLeading = false;
  let workSignal: AbortSignal | undefined;
  const elector = new LeaderElector({
    client: env.client,
    namespace: ns,
    name: "lock",
    identity: "me",
    ...timing,
    log: testLogger(),
    onStartedLeading: (signal) => {
      workSignal = signal;
    },
    onStoppedLeading: () => (stoppedLeading = true),
  });
  const stop = new AbortController();
  const term = elector.run(stop.signal);
  await eventually(() => elector.isLeader(), "leading");
  // Another holder takes the lease (retrying if a renewal slips in between our read and write).
  await eventually(async () => {
    const lease = await env.client.get<Lease>(coreRefs.lease, "lock", ns);
    const spec = { ...lease.spec, holderIdentity: "intruder" };
    return env.client.replace(coreRefs.lease, { ...lease, spec }).then(
      () => true,
      (e: unknown) => (isConflict(e) ? false : Promise.reject(e as Error)),
    );
  }, "intruder holding the lease");
  await term; // the term ends by itself
  assert.equal(elector.isLeader(), false);
  assert.equal(workSignal?.aborted, true, "work was told to stop");
  assert.equal(stoppedLeading, true);
  assert.equal(await holder(ns, "lock"), "intruder", "nothing released: the lease was not ours");
  stop.abort();
});
