// The client-side rate limit against the real apiserver: requests beyond the burst are paced at the
// QPS, a client without the limit is not, and neither a watch nor leader election is held back by
// requests queued for tokens.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { coreRefs, KubeClient, type RateLimit, type WatchEvent } from "../../../src/runtime/kube-client.js";
import { LeaderElector } from "../../../src/runtime/leader-election.js";
import { eventually, startEnv, type TestEnv } from "./env.js";

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

const clientWith = (rateLimit: RateLimit | false) =>
  KubeClient.load({ kubeconfig: env.cp.kubeconfigPath, rateLimit });

/** Sends `n` GETs at once; resolves with the milliseconds after the start at which each one answered. */
async function burstOfGets(client: KubeClient, ns: string, n: number): Promise<number[]> {
  const t0 = performance.now();
  const answered = await Promise.all(
    Array.from({ length: n }, () =>
      client.list(coreRefs.configMap, { namespace: ns }).then(() => performance.now() - t0),
    ),
  );
  return answered.sort((a, b) => a - b);
}

void test("rate limit: requests beyond the burst are paced at the QPS", async () => {
  const ns = await env.namespace("paced");
  const limit = { qps: 4, burst: 2 };
  const paced = clientWith(limit);
  const free = clientWith(false);
  try {
    const times = await burstOfGets(paced, ns, 10);
    // Request k (0-based) cannot be sent before (k + 1 - burst) / qps seconds.
    times.forEach((t, k) => {
      const earliest = (Math.max(0, k + 1 - limit.burst) / limit.qps) * 1000;
      assert.ok(t >= earliest - 5, `request ${k} answered at ${t.toFixed(0)} ms, before ${earliest} ms`);
    });
    const unpaced = await burstOfGets(free, ns, 10);
    assert.ok(
      unpaced.at(-1)! < 2000,
      `without the limit all 10 answered within ${unpaced.at(-1)!.toFixed(0)} ms, under the paced 2000 ms`,
    );
  } finally {
    paced.close();
    free.close();
  }
});

void test("rate limit: a watch opens at once while requests queue for tokens", async () => {
  const ns = await env.namespace("watch-free");
  const paced = clientWith({ qps: 2, burst: 1 });
  const stop = new AbortController();
  try {
    // 10 queued GETs take ~4.5 s of tokens; the watch must not wait behind them.
    const backlog = burstOfGets(paced, ns, 10);
    const events: WatchEvent[] = [];
    const { resourceVersion } = await env.client.list(coreRefs.configMap, { namespace: ns });
    const t0 = performance.now();
    const watching = paced.watch(
      coreRefs.configMap,
      { namespace: ns, resourceVersion, signal: stop.signal },
      (e) => events.push(e),
    );
    await env.client.create(coreRefs.configMap, { metadata: { name: "seen", namespace: ns } });
    await eventually(() => events.some((e) => e.type === "ADDED"), "the ADDED event", 10_000);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `the watch delivered after ${ms.toFixed(0)} ms, not behind the ~4.5 s backlog`);
    stop.abort();
    await watching;
    const times = await backlog;
    assert.ok(times.at(-1)! >= 4500 - 5, `the backlog was paced (last at ${times.at(-1)!.toFixed(0)} ms)`);
  } finally {
    stop.abort();
    paced.close();
  }
});

void test("rate limit: leader election has its own bucket, so renewals do not queue behind reconciles", async () => {
  const ns = await env.namespace("lease-free");
  const paced = clientWith({ qps: 2, burst: 1 });
  const stop = new AbortController();
  try {
    // ~10 s of queued GETs: a lease request behind them would miss every deadline below.
    const backlog = burstOfGets(paced, ns, 20);
    const elector = new LeaderElector({
      client: paced,
      namespace: ns,
      name: "lock",
      identity: "me",
      leaseDurationMs: 2000,
      renewDeadlineMs: 1500,
      retryPeriodMs: 500,
      onStartedLeading: () => undefined,
    });
    const t0 = performance.now();
    const term = elector.run(stop.signal);
    await eventually(() => elector.isLeader(), "leading", 5_000);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the lease: renewals went through
    assert.ok(elector.isLeader(), "still leading after renewals");
    assert.ok(performance.now() - t0 < 5000);
    stop.abort();
    await term;
    const times = await backlog;
    assert.ok(times.at(-1)! >= 9500 - 5, `the backlog was paced (last at ${times.at(-1)!.toFixed(0)} ms)`);
  } finally {
    stop.abort();
    paced.close();
  }
});
