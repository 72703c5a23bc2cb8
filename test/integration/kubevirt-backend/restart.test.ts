// A new operator process picks a build up where the last one stopped, adopting what it made.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Manager } from "../../../src/runtime/index.js";
import { applyBuild, buildUntil, phaseIs, startEnv, startOperator, uniqueBuild, type Env } from "./env.js";
import {
  allChildrenOf,
  childOf,
  childrenOf,
  countsOf,
  extractSucceeded,
  finishJob,
  finishVm,
  oneOfEach,
  prepareSucceeded,
} from "./fake-cluster/index.js";

describe("kubevirt backend: operator restart mid-build on a real apiserver", () => {
  let env: Env;
  let operator: Manager | undefined;

  before(async () => {
    env = await startEnv();
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
  });

  test("stopped after the VM was created, a new operator finishes the build with one child of each kind", async () => {
    operator = await startOperator(env);
    const build = await applyBuild(env, uniqueBuild("restarted"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const vm = await childOf(env, build, "install");
    await buildUntil(env, "restarted", phaseIs("Installing"));
    await operator.stop();

    // KubeVirt carries on while no operator runs.
    await finishVm(env, vm, "Succeeded");
    operator = await startOperator(env);
    const extract = await childOf(env, build, "extract");
    await buildUntil(env, "restarted", phaseIs("Extracting"));
    // A few more passes (the poll interval is 250 ms) must not make twins.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(countsOf(await allChildrenOf(env, build)), oneOfEach());
    assert.equal((await childOf(env, build, "install")).metadata.uid, vm.metadata.uid);

    await finishJob(env, extract, extractSucceeded);
    const done = await buildUntil(env, "restarted", phaseIs("Succeeded"));
    assert.equal(done.status?.artifacts?.length, 2);
    assert.equal((await childrenOf(env, build, "extract")).length, 1);
  });
});
