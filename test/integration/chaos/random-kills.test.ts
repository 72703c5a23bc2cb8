// `rootfs operator` SIGKILLed over and over mid-reconcile: at seeded random moments after it starts, or
// the moment its log shows it has just made (or deleted) a child, so passes die between their writes.
// The test plays the kubelet and KubeVirt throughout, and watches everything the operator makes.
// CHAOS_SEED=<n> replays a kill schedule (the interleaving with the apiserver still varies).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { buildUntil, getBuild, phaseIs } from "../kubevirt-backend/env.js";
import { playCluster } from "../kubevirt-backend/fake-cluster.js";
import { assertConverged } from "./invariants.js";
import type { LogLine } from "./operator-process.js";
import { applyAll, buildSet, startChaosEnv, type BuildSet, type ChaosEnv } from "./setup.js";

/** What act() logs after each write to a child: a pass killed right then has more to write. */
const wroteChild = /^(Created|Deleted|Released|Became an owner of|Marked) /;

const maxKills = 16;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe("chaos: the operator process SIGKILLed at random moments mid-reconcile", () => {
  let env: ChaosEnv;

  before(async () => {
    env = await startChaosEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test("eight builds in two waves finish with one child per step, one RootfsImage per key", async (t) => {
    const started = Date.now();
    const seed = Number(process.env.CHAOS_SEED ?? 1_234_567);
    const random = seededRandom(seed);
    // Each Job and VM runs a while, so that the builds span many operator lifetimes (a stream of its
    // own: when the cluster asks depends on timing, and must not shift the kill schedule).
    const runsFor = seededRandom(seed + 1);
    const cluster = await playCluster(env, { runsFor: () => 500 + runsFor() * 2_500 });
    const everyBuild = ({ sharers, solo, twin }: BuildSet) => [...sharers, solo, twin];
    const [firstWave, secondWave] = [everyBuild(buildSet("wave1")), everyBuild(buildSet("wave2"))];
    const names = [...firstWave, ...secondWave].map((m) => m.metadata.name);
    const builds = await applyAll(env, firstWave);

    const kills: string[] = [];
    const allDone = async () =>
      (await Promise.all(names.map((n) => getBuild(env, n)))).every((b) => b?.status?.phase === "Succeeded");
    for (let round = 0; round < maxKills && !(await allDone()); round++) {
      // The second wave arrives while no operator runs, a few kills in.
      if (round === 5) builds.push(...(await applyAll(env, secondWave)));
      const op = env.operator(`random-${round}`);
      // Most rounds die right after the n-th write to a child (or after 2 s if it makes fewer), the rest
      // at a random moment.
      const nth = random() < 0.6 ? 1 + Math.floor(random() * 3) : 0;
      const delayMs = nth > 0 ? 2_000 : Math.round(random() * 1_500);
      let writes = 0;
      const onLine =
        nth > 0
          ? op.killOn((l: LogLine) => wroteChild.test(l.msg) && ++writes === nth).then((l) => `on "${l.msg}"`)
          : new Promise<never>(() => undefined);
      await op.ready();
      const timer = new Promise<string>((resolve) =>
        setTimeout(() => resolve(`${delayMs} ms after caches synced`), delayMs),
      );
      const why = await Promise.race([onLine.catch(() => "on exit"), timer]);
      await op.kill("SIGKILL");
      kills.push(why);
    }

    const last = env.operator("random-last");
    for (const name of names) await buildUntil(env, name, phaseIs("Succeeded"), 60_000);
    await cluster.stop();
    assert.deepEqual(cluster.errors, [], "playing the cluster failed");

    // Per build key, the build the RootfsImage names did the work; the other one is a catalog hit.
    const { items: images } = await env.client.list<RootfsImage>(rootfsImageRef);
    const builder = (b: RootfsBuild) => images.some((i) => i.spec.createdFrom.uid === b.metadata.uid);
    const summary = await assertConverged(env, env.ledger, {
      builders: builds.filter(builder),
      catalogHits: builds.filter((b) => !builder(b)),
    });
    const byLine = kills.filter((k) => k.startsWith("on ")).length;
    t.diagnostic(
      `seed ${seed}: ${kills.length} SIGKILLs (${byLine} on a log line, ${kills.length - byLine} on a timer); ` +
        `${summary}; ${Date.now() - started} ms`,
    );
    for (const [i, why] of kills.entries()) t.diagnostic(`kill ${i + 1}: ${why}`);
    await last.kill("SIGTERM");
  });
});
