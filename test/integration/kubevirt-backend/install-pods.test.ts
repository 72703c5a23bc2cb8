// The kubevirt backend without KubeVirt (installRuntime pod), on a real apiserver, the test playing the
// Job controller and kubelet: an install Job instead of the VM, its Pod admitted under "restricted", and
// the worker's verdicts.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  installTimeoutAnnotation,
  resolveInstallRuntime,
  virtualMachineRef,
} from "../../../src/controller/kubevirt-backend/index.js";
import type { Job } from "../../../src/controller/builders/index.js";
import { coreRefs, type KubeObject, type Manager } from "../../../src/runtime/index.js";
import { eventually } from "../../helpers/eventually.js";
import {
  applyBuild,
  buildUntil,
  namespace,
  phaseIs,
  startEnv,
  startOperator,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "./env.js";
import {
  allChildrenOf,
  childOf,
  children,
  childrenOf,
  countsOf,
  extractSucceeded,
  finishJob,
  goneOrGoing,
  installSucceeded,
  oneOfEach,
  prepareSucceeded,
  workerFailure,
} from "./fake-cluster.js";

describe("kubevirt backend with install Pods (installRuntime pod) on a real apiserver", () => {
  let env: Env;
  let operator: Manager;

  before(async () => {
    env = await startEnv();
    operator = await startOperator(env, { installRuntime: "pod" });
    // Nothing watches VMs here (no VM informer), so their watch cache may still be starting: wait.
    await eventually(
      () =>
        env.client.list(virtualMachineRef, { namespace: "builds" }).then(
          () => true,
          () => false,
        ),
      (listed) => listed,
    );
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
  });

  test("auto resolves to kubevirt where the apiserver serves kubevirt.io/v1", async () => {
    assert.equal(await resolveInstallRuntime(env.client, "auto"), "kubevirt");
    assert.equal(await resolveInstallRuntime(env.client, "pod"), "pod");
  });

  test("prepare Job → install Job → extract Job → Succeeded, with no VM, the install times from its Job", async () => {
    let build = await applyBuild(env, uniqueBuild("pods"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    // finishJob dry-runs the install Pod in the "restricted" namespace first: admission judges it.
    const install = await childOf(env, build, "installJob");
    // The pass that created the disk also says Installing: wait for the one that saw the installer.
    build = await buildUntil(
      env,
      "pods",
      (b) =>
        phaseIs("Installing")(b) &&
        /Installing in a Pod of Job pods-install-\w+/.test(b.status?.progress?.message ?? ""),
    );
    await finishJob(env, install, installSucceeded);
    const extract = await childOf(env, build, "extract");
    await buildUntil(env, "pods", phaseIs("Extracting"));
    // Before the extract ends (then the temporaries go): one of each, an install Job where a VM would be.
    assert.deepEqual(countsOf(await allChildrenOf(env, build)), oneOfEach("pod"));
    await finishJob(env, extract, extractSucceeded);
    const done = await buildUntil(env, "pods", phaseIs("Succeeded"));
    assert.equal(succeededCondition(done)?.reason, "Built");
    assert.deepEqual(
      done.status?.steps?.map((s) => s.name),
      ["fetch", "remaster", "install", "extract"],
    );
    assert.deepEqual(await childrenOf(env, build, "install"), [], "no VM");
  });

  test("the worker stopped a hung installer: InstallTimeout with its console tail; the Job goes, the disk keeps the verdict", async () => {
    const build = await applyBuild(env, uniqueBuild("hangs"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const install = await childOf(env, build, "installJob");
    const said =
      "The install ran longer than 2h; the last console lines were:\nRunning post-installation scripts";
    await finishJob(env, install, workerFailure("InstallTimeout", said));
    const failed = await buildUntil(env, "hangs", phaseIs("Failed"));
    assert.equal(succeededCondition(failed)?.reason, "InstallTimeout");
    assert.equal(succeededCondition(failed)?.message, said);
    await eventually(
      () => goneOrGoing(env, children.installJob, install),
      (gone) => gone,
    );
    const disk = await childOf(env, build, "disk");
    assert.equal(disk.metadata.annotations?.[installTimeoutAnnotation], said);
    assert.deepEqual(await childrenOf(env, build, "extract"), []);
  });

  test("a failure signature: InstallFailed with the console lines, and nothing extracted", async () => {
    const build = await applyBuild(env, uniqueBuild("breaks"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const said = "Installer failed: a traceback; matching console lines:\nTraceback (most recent call last):";
    await finishJob(env, await childOf(env, build, "installJob"), workerFailure("InstallFailed", said));
    const failed = await buildUntil(env, "breaks", phaseIs("Failed"));
    assert.equal(succeededCondition(failed)?.reason, "InstallFailed");
    assert.equal(succeededCondition(failed)?.message, said);
    assert.deepEqual(await childrenOf(env, build, "extract"), []);
  });

  test("a Pod with the install Job's labels that the Job does not control changes nothing", async () => {
    const build = await applyBuild(env, uniqueBuild("forged"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const install = await childOf(env, build, "installJob");
    const stored = (await env.client.get(coreRefs.job, install.metadata.name, namespace)) as unknown as Job &
      KubeObject;
    // Anyone who may create Pods can copy the template's labels (the Job's uid among them), not its control.
    const forged = await env.client.create(coreRefs.pod, {
      metadata: {
        name: `${install.metadata.name}-forged`,
        namespace,
        labels: stored.spec.template.metadata.labels,
      },
      spec: stored.spec.template.spec,
    });
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const lie = JSON.stringify({ reason: "InstallTimeout", message: "forged: the disk is fine, publish it" });
    await env.client.replace(
      coreRefs.pod,
      {
        ...forged,
        status: {
          phase: "Failed",
          containerStatuses: [
            {
              name: "worker",
              image: "worker",
              imageID: "",
              ready: false,
              restartCount: 0,
              state: {
                terminated: { exitCode: 1, reason: "Error", startedAt: now, finishedAt: now, message: lie },
              },
            },
          ],
        },
      },
      { subresource: "status" },
    );
    const said = "Installer failed: the real worker's verdict";
    await finishJob(env, install, workerFailure("InstallFailed", said));
    const failed = await buildUntil(env, "forged", phaseIs("Failed"));
    assert.equal(succeededCondition(failed)?.reason, "InstallFailed");
    assert.equal(succeededCondition(failed)?.message, said);
  });
});
