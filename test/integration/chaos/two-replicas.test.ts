// Two `rootfs operator --leader-elect` processes against one apiserver, each as a ServiceAccount of its
// own so the audit log names the replica behind every write. Only the leader acts; SIGKILLed mid-build,
// the other takes over once the lease runs out and finishes the builds without a twin; SIGTERMed, a
// leader hands the lease over at once.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, type KubeObject } from "../../../src/runtime/index.js";
import { eventually } from "../../helpers/eventually.js";
import { applyBuild, buildUntil, operatorNamespace, phaseIs, uniqueBuild } from "../kubevirt-backend/env.js";
import { childOf, playCluster } from "../kubevirt-backend/fake-cluster/index.js";
import { auditedWrites, auditFlags, describeWrite, replicaKubeconfig, userOf } from "./audit.js";
import { assertConverged } from "./invariants.js";
import { metricValue, type OperatorProcess } from "./operator-process.js";
import { applyAll, buildSet, startChaosEnv, type ChaosEnv } from "./setup.js";

const leaseMs = 5_000;
const retryMs = 500;
const timings = { leaseDuration: `${leaseMs}ms`, renewDeadline: "4s", retryPeriod: `${retryMs}ms` };
const leaseName = "rootfs-operator";

/** The operator's work: children, builds (and their status), catalog entries, build-key claims (Leases). */
const operatorResources = [
  "secrets",
  "persistentvolumeclaims",
  "jobs",
  "virtualmachines",
  "rootfsbuilds",
  "rootfsimages",
  "leases",
];

const isLeader = async (r: OperatorProcess) =>
  metricValue(await r.metrics(), "leader_election_master_status", { name: leaseName }) === 1;

/** Successful writes the process sent that were not GETs (the follower's Lease reads are GETs). */
const writesSent = (metrics: string) =>
  ["POST", "PUT", "PATCH", "DELETE"].reduce(
    (sum, method) =>
      sum +
      ["200", "201", "202"].reduce(
        (s, code) => s + metricValue(metrics, "rest_client_requests_total", { method, code }),
        0,
      ),
    0,
  );

type Lease = KubeObject & { spec?: { holderIdentity?: string } };

const leaseHolder = async (env: ChaosEnv) =>
  (await env.client.get<Lease>(coreRefs.lease, leaseName, operatorNamespace)).spec?.holderIdentity;

describe("chaos: two operator replicas with leader election", () => {
  let env: ChaosEnv;
  let dir: string;
  let auditLog: string;

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "rootfs-ha-"));
    const audit = await auditFlags(dir);
    auditLog = audit.log;
    env = await startChaosEnv({ dir, extraApiServerArgs: audit.args });
  });
  after(async () => {
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("only the leader acts; after SIGKILL the other finishes the builds; after SIGTERM it hands over at once", async (t) => {
    const kubeconfig = async (name: string) => replicaKubeconfig(env.cp, name);
    const replica = async (name: string) =>
      env.operator(name, { kubeconfig: await kubeconfig(name), leaderElect: timings });
    const [a, b] = [await replica("replica-a"), await replica("replica-b")];
    await Promise.all([a.ready(), b.ready()]);
    const leading = await eventually(
      async () => [await isLeader(a), await isLeader(b)],
      (l) => l[0] !== l[1],
    );
    const [first, second] = leading[0] ? [a, b] : [b, a];
    const firstTerm = await first.waitForLog((l) => l.msg === "Became leader");
    assert.equal(await leaseHolder(env), firstTerm.identity);

    // Builds start under the first leader; it is SIGKILLed the moment it has created a VM (mid-pass).
    const cluster = await playCluster(env, { runsFor: () => 300 });
    const { sharers, solo, twin } = buildSet("ha");
    const builds = await applyAll(env, [...sharers, solo, twin]);
    await first.killOn((l) => /^Created VirtualMachine /.test(l.msg));
    await first.exited;
    const killedAt = first.signalledAt ?? 0;
    // Until now the second replica has neither reconciled nor written anything.
    const before = await second.metrics();
    assert.equal(metricValue(before, "leader_election_master_status", { name: leaseName }), 0);
    assert.equal(metricValue(before, "controller_runtime_reconcile_total"), 0, "the follower reconciled");
    assert.equal(writesSent(before), 0, "the follower wrote to the apiserver");

    const secondTerm = await second.waitForLog((l) => l.msg === "Became leader", leaseMs * 4);
    const killTakeoverMs = Date.parse(secondTerm.time) - killedAt;
    assert.equal(await leaseHolder(env), secondTerm.identity);
    // It waited the lease out (less the renew period before the kill at most), and not much longer.
    assert.ok(
      killTakeoverMs > leaseMs - 2 * retryMs && killTakeoverMs < leaseMs + 5_000,
      `took over ${killTakeoverMs} ms after the SIGKILL`,
    );
    for (const build of builds) await buildUntil(env, build.metadata.name, phaseIs("Succeeded"), 60_000);
    const { items: images } = await env.client.list<RootfsImage>(rootfsImageRef);
    const builder = (x: RootfsBuild) => images.some((i) => i.spec.createdFrom.uid === x.metadata.uid);
    const summary = await assertConverged(env, env.ledger, {
      builders: builds.filter(builder),
      catalogHits: builds.filter((x) => !builder(x)),
    });

    // A third replica joins as the follower; the leader is SIGTERMed mid-build and hands the lease over.
    const third = await replica("replica-c");
    await third.ready();
    await third.waitForLog((l) => l.msg === "Observed new leader" && l.holder === secondTerm.identity);
    const late = await applyBuild(env, uniqueBuild("ha-late"));
    await childOf(env, late, "prepare");
    second.signal("SIGTERM");
    const termAt = second.signalledAt ?? 0;
    const thirdTerm = await third.waitForLog((l) => l.msg === "Became leader", leaseMs * 4);
    const termTakeoverMs = Date.parse(thirdTerm.time) - termAt;
    // Well before the lease could have run out: it was handed over.
    assert.ok(termTakeoverMs < leaseMs - retryMs, `took over ${termTakeoverMs} ms after the SIGTERM`);
    assert.deepEqual(await second.exited, { code: 0, signal: null });
    const released = await second.waitForLog((l) => l.msg === "Released leader lease");
    await buildUntil(env, "ha-late", phaseIs("Succeeded"), 60_000);
    await cluster.stop();
    assert.deepEqual(cluster.errors, []);

    // The audit log: each replica's writes landed within its term, never two terms at once. A killed
    // leader's requests already sent still land after the SIGKILL, but before the lease runs out.
    // (The test's own writes, playing the cluster, are the admin's; Events are left out: they are sent
    // asynchronously and flushed on shutdown, after the lease is released.)
    const writes = (await auditedWrites(auditLog)).filter(
      (w) =>
        w.user.username.startsWith(userOf("")) &&
        operatorResources.includes(w.objectRef?.resource ?? "") &&
        !(w.objectRef?.resource === "leases" && w.objectRef.name === leaseName),
    );
    const terms: [OperatorProcess, number, number][] = [
      [first, Date.parse(firstTerm.time), Date.parse(secondTerm.time)],
      [second, Date.parse(secondTerm.time), Math.min(Date.parse(released.time), Date.parse(thirdTerm.time))],
      [third, Date.parse(thirdTerm.time), Infinity],
    ];
    const by = (r: OperatorProcess) => writes.filter((w) => w.user.username === userOf(r.name));
    for (const [r, from, to] of terms) {
      const outside = by(r).filter(
        (w) => !(Date.parse(w.stageTimestamp) >= from && Date.parse(w.stageTimestamp) <= to),
      );
      assert.deepEqual(outside.map(describeWrite), [], `${r.name} wrote outside its term`);
    }
    const counts = terms.map(([r]) => by(r).length);
    assert.ok(
      counts.every((n) => n > 0),
      `writes per term: ${counts.join(", ")}`,
    );
    assert.equal(
      counts.reduce((x, y) => x + y),
      writes.length,
      "writes by another ServiceAccount",
    );
    const afterKill = by(first).filter((w) => Date.parse(w.stageTimestamp) > killedAt).length;

    t.diagnostic(
      `takeover after SIGKILL: ${killTakeoverMs} ms (lease ${leaseMs} ms); after SIGTERM: ${termTakeoverMs} ms`,
    );
    t.diagnostic(
      `writes per term: ${terms.map(([r], i) => `${r.name} ${counts[i]}`).join(", ")}; ` +
        `${afterKill} of ${first.name}'s landed after its SIGKILL (sent before)`,
    );
    t.diagnostic(summary);
    await third.kill("SIGTERM");
  });
});
