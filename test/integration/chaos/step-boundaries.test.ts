// `rootfs operator` as a process of its own, SIGKILLed at every step boundary of several builds at once
// and started again. The test plays the kubelet and KubeVirt (sometimes while no operator runs) and
// watches everything the operator makes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { claimLeaseName } from "../../../src/controller/claim.js";
import { coreRefs, type KubeObject } from "../../../src/runtime/index.js";
import {
  applyBuild,
  buildUntil,
  operatorNamespace,
  phaseIs,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "../kubevirt-backend/env.js";
import {
  childOf,
  extractSucceeded,
  finishJob,
  finishVm,
  prepareSucceeded,
  workerFailure,
} from "../kubevirt-backend/fake-cluster/index.js";
import { claimRelease, closeGate, deniedAtGate, imageRecording } from "./gate.js";
import { assertConverged, assertNoTwins } from "./invariants.js";
import type { OperatorProcess } from "./operator-process.js";
import { applyAll, buildSet, startChaosEnv, type ChaosEnv } from "./setup.js";

const allSucceeded = (env: Env, names: string[]) =>
  Promise.all(names.map((name) => buildUntil(env, name, phaseIs("Succeeded"), 60_000)));

describe("chaos: the operator process SIGKILLed at each step boundary", () => {
  let env: ChaosEnv;

  before(async () => {
    env = await startChaosEnv();
  });
  after(async () => {
    await env?.stop();
  });

  test("four builds (two sharing an ISO, two of one build key) each finish with one child per step", async (t) => {
    const started = Date.now();
    let kills = 0;
    let op: OperatorProcess = env.operator("boundaries-0");
    const boundaries: string[] = [];
    /** SIGKILLs the operator at `boundary`, does `meanwhile` with none running, and starts the next one. */
    const killAt = async (boundary: string, meanwhile?: () => Promise<unknown>) => {
      assertNoTwins(env.ledger);
      await op.kill("SIGKILL");
      boundaries.push(boundary);
      kills++;
      await meanwhile?.();
      op = env.operator(`boundaries-${kills}`);
      await op.ready();
    };

    const { sharers, solo, twin } = buildSet("edge");
    const builders = await applyAll(env, [...sharers, solo]);
    const [vim, tmux, lone] = builders;

    // The prepare Jobs are created: one of the shared ISO (both sharers own it), one of the lone build's.
    const prepares = [await childOf(env, vim, "prepare"), await childOf(env, lone, "prepare")];
    await childOf(env, tmux, "prepare");
    await Promise.all(builders.map((b) => buildUntil(env, b.metadata.name, phaseIs("Fetching"))));
    // The twin waits for the lone build, which holds the build key's claim.
    const [waiting] = await applyAll(env, [twin]);
    await buildUntil(env, twin.metadata.name, (b) =>
      (succeededCondition(b)?.message ?? "").startsWith(`Waiting for builds/${solo.metadata.name}`),
    );
    await killAt("prepare Jobs created");

    await killAt("prepare Jobs completed", () =>
      Promise.all(prepares.map((job) => finishJob(env, job, prepareSucceeded))),
    );

    const vms = await Promise.all(builders.map((b) => childOf(env, b, "install")));
    await Promise.all(builders.map((b) => buildUntil(env, b.metadata.name, phaseIs("Installing"))));
    await killAt("VMs created");

    await killAt("VMIs Succeeded", () => Promise.all(vms.map((vm) => finishVm(env, vm, "Succeeded"))));

    const extracts = await Promise.all(builders.map((b) => childOf(env, b, "extract")));
    await Promise.all(builders.map((b) => buildUntil(env, b.metadata.name, phaseIs("Extracting"))));
    await killAt("extract Jobs created");

    // vim's extract Job completes with no operator running: the next one publishes it.
    await killAt("extract Job completed", () => finishJob(env, extracts[0]!, extractSucceeded));
    await buildUntil(env, vim.metadata.name, phaseIs("Succeeded"));

    // tmux's pass removes the VM, disk and its share of the ISO, then cannot record the RootfsImage.
    const images = await closeGate(env, imageRecording);
    await finishJob(env, extracts[1]!, extractSucceeded);
    await op.waitForLog(deniedAtGate(tmux.metadata.name));
    await killAt("before the RootfsImage is recorded", () => images.open());

    // The lone build's pass records its RootfsImage, then cannot release its build-key claim.
    const claims = await closeGate(env, claimRelease);
    await finishJob(env, extracts[2]!, extractSucceeded);
    await op.waitForLog(deniedAtGate(lone.metadata.name));
    await killAt("after the RootfsImage is recorded, before the claim is released", () => claims.open());

    await allSucceeded(
      env,
      [...builders, waiting].map((b) => b.metadata.name),
    );
    const summary = await assertConverged(env, env.ledger, { builders, catalogHits: [waiting] });
    t.diagnostic(`${kills} SIGKILLs (${boundaries.join("; ")}); ${summary}; ${Date.now() - started} ms`);
    await op.kill("SIGTERM");
  });

  test("a build that fails holds its build-key claim no longer, even if the first release fails", async () => {
    const doomed = uniqueBuild("doomed");
    const twin = structuredClone(doomed);
    twin.metadata.name = "doomed-twin";
    let op = env.operator("doomed-0");
    const build = await applyBuild(env, doomed);
    const prepare = await childOf(env, build, "prepare");
    const { status } = await buildUntil(env, "doomed", phaseIs("Fetching"));
    await applyBuild(env, twin);
    const waiting = (b: RootfsBuild) =>
      (succeededCondition(b)?.message ?? "").startsWith("Waiting for builds/doomed,");
    await buildUntil(env, "doomed-twin", waiting);

    // The download fails; the pass that reports it cannot release the claim, and the process dies there.
    const claims = await closeGate(env, claimRelease);
    await finishJob(env, prepare, workerFailure("DownloadFailed", "GET http://mirror/x.iso: 404"));
    await op.waitForLog(deniedAtGate("doomed"));
    await op.kill("SIGKILL");
    await claims.open();
    op = env.operator("doomed-1");

    const failed = await buildUntil(env, "doomed", phaseIs("Failed"));
    assert.equal(succeededCondition(failed)?.reason, "DownloadFailed");
    const lease = claimLeaseName({
      key: status?.buildKey ?? "",
      scope: { kind: "namespace", namespace: "builds" },
    });
    const claim = await env.client.getOrUndefined<KubeObject & { spec: { holderIdentity?: string } }>(
      coreRefs.lease,
      lease,
      operatorNamespace,
    );
    assert.ok(
      !claim?.spec.holderIdentity?.startsWith("builds/doomed/"),
      `claim kept: ${JSON.stringify(claim)}`,
    );
    // So the twin stops waiting for a build that will never publish (it shares the failed download).
    // It joins the shared ISO PVC and prepare Job first (a status each), then sees the failure.
    const finished = (b: RootfsBuild) => b.status?.phase === "Failed" || b.status?.phase === "Succeeded";
    const twinDone = await buildUntil(env, "doomed-twin", finished, 30_000);
    assert.equal(twinDone.status?.phase, "Failed", succeededCondition(twinDone)?.message);
    await op.kill("SIGTERM");
  });
});
