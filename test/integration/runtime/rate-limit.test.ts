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

/**
 * Runs `body` while `n` GETs queue for tokens of a QPS-2, burst-1 client (~(n - 1) / 2 s of backlog),
 * then checks the backlog was paced all the same.
 */
async function whileQueued(
  prefix: string,
  n: number,
  body: (paced: KubeClient, ns: string, stop: AbortController) => Promise<void>,
): Promise<void> {
  const ns = await env.namespace(prefix);
  const paced = clientWith({ qps: 2, burst: 1 });
  const stop = new AbortController();
  try {
    const backlog = burstOfGets(paced, ns, n);
    await body(paced, ns, stop);
    const last = (await backlog).at(-1)!;
    assert.ok(last >= ((n - 1) / 2) * 1000 - 5, `the backlog was paced (last at ${last.toFixed(0)} ms)`);
  } finally {
    stop.abort();
    paced.close();
  }
}

void test("rate limit: a watch opens at once while requests queue for tokens", () =>
  whileQueued("watch-free", 10, async (paced, ns, stop) => {
    const events: WatchEvent[] = [];
    const { resourceVersion } = await env.client.list(coreRefs.configMap, { namespace: ns });
    const t0 = performance.now();
    const signal = stop.signal;
    const watching = paced.watch(coreRefs.configMap, { namespace: ns, resourceVersion, signal }, (e) =>
      events.push(e),
    );
    await env.client.create(coreRefs.configMap, { metadata: { name: "seen", namespace: ns } });
    await eventually(() => events.some((e) => e.type === "ADDED"), "the ADDED event", 10_000);
    const ms = performance.now() - t0;
    assert.ok(ms < 2000, `the watch delivered after ${ms.toFixed(0)} ms, not behind the ~4.5 s backlog`);
    stop.abort();
    await watching;
  }));

void test("rate limit: leader election has its own bucket, so renewals do not queue behind reconciles", () =>
  // ~10 s of queued GETs: a lease request behind them would miss every deadline below.
  whileQueued("lease-free", 20, async (paced, ns, stop) => {
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
    const term = elector.run(stop.signal);
    await eventually(() => elector.isLeader(), "leading", 5_000);
    await new Promise((r) => setTimeout(r, 2500)); // longer than the lease: renewals went through
    assert.ok(elector.isLeader(), "still leading after renewals");
    stop.abort();
    await term;
  }));
