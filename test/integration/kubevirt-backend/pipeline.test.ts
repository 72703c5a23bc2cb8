// One build through every step of the kubevirt backend, and each way a step can fail.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { installTimeoutAnnotation } from "../../../src/controller/kubevirt-backend/index.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, type KubeObject } from "../../../src/runtime/index.js";
import { set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import {
  applyBuild,
  buildUntil,
  envAndOperatorForSuite,
  phaseIs,
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
  finishVm,
  goneOrGoing,
  oneOfEach,
  prepareSucceeded,
  workerFailure,
  type Step,
} from "./fake-cluster/index.js";

describe("kubevirt backend: one build, step by step, on a real apiserver", () => {
  let env: Env;
  envAndOperatorForSuite((started) => (env = started));

  test("happy path: one child of each kind, all owned by the build; Succeeded with a RootfsImage; temporaries removed", async () => {
    const storage = { pvc: { claimName: "rootfs-artifacts", subPath: "builds/happy" } };
    let build = await applyBuild(env, uniqueBuild("happy", set("spec.storage", storage)));
    const prepare = await childOf(env, build, "prepare");
    build = await buildUntil(env, "happy", phaseIs("Fetching"));

    await finishJob(env, prepare, prepareSucceeded);
    const vm = await childOf(env, build, "install");
    // The pass that created the disk also says Installing: wait for the one that saw the installer.
    build = await buildUntil(
      env,
      "happy",
      (b) =>
        phaseIs("Installing")(b) && /Installing in VM happy-install-/.test(b.status?.progress?.message ?? ""),
    );

    await finishVm(env, vm, "Succeeded");
    const extract = await childOf(env, build, "extract");
    await buildUntil(env, "happy", phaseIs("Extracting"));
    const all = await allChildrenOf(env, build);
    for (const [step, found] of Object.entries(all) as [Step, KubeObject[]][]) {
      for (const child of found) {
        const [owner, ...others] = child.metadata.ownerReferences ?? [];
        const what = `${step} ${child.metadata.name}: ${JSON.stringify(owner)}`;
        if (step === "answer" || step === "prepareSecret") {
          // The Secrets depend on a PVC (disk, ISO), never on the build directly.
          assert.equal(owner?.kind, "PersistentVolumeClaim", what);
          assert.equal(owner?.controller, true, what);
          assert.equal(others.length, 0, what);
          continue;
        }
        const ours = child.metadata.ownerReferences?.find((o) => o.uid === build.metadata.uid);
        const shared = step === "iso" || step === "prepare";
        assert.equal(ours?.controller, !shared, what);
        assert.equal(ours?.kind, "RootfsBuild");
      }
    }
    assert.deepEqual(countsOf(all), oneOfEach());

    const temporaries = (["install", "disk", "answer", "iso", "prepare", "prepareSecret"] as const).map(
      (step) => ({ step, found: all[step] }),
    );

    await finishJob(env, extract, extractSucceeded);
    const done = await buildUntil(env, "happy", phaseIs("Succeeded"));
    assert.equal(succeededCondition(done)?.reason, "Built");
    assert.deepEqual(
      done.status?.artifacts?.map((a) => a.location),
      ["builds/happy/rootfs.cgz", "builds/happy/vmlinuz"],
    );
    assert.deepEqual(
      done.status?.steps?.map((s) => s.name),
      ["fetch", "remaster", "install", "extract"],
    );
    const image = await env.client.get<RootfsImage>(rootfsImageRef, done.status?.image ?? "");
    assert.equal(image.spec.buildKey, done.status?.buildKey);
    assert.equal(image.spec.kernelVersion, "6.6.0-28.0.0.34.oe2403.x86_64");
    assert.deepEqual(image.spec.storage, { pvc: { namespace: "builds", ...storage.pvc } });

    // The VM, its disk, the answer Secret and (as its only owner) the ISO are let go; the extract Job stays.
    for (const { step, found } of temporaries) {
      assert.equal(found.length, 1, step);
      for (const child of found) {
        assert.ok(
          await goneOrGoing(env, children[step], child),
          `${step} ${child.metadata.name} is still there`,
        );
      }
    }
    await eventually(
      () => goneOrGoing(env, children.install, vm),
      (gone) => gone,
    );
    assert.equal((await childrenOf(env, build, "extract")).length, 1);
  });

  for (const [reason, exit, expected] of [
    [
      "ChecksumMismatch",
      workerFailure("ChecksumMismatch", "ISO checksum mismatch: expected 0b01, got 9f3c"),
      /^ISO checksum mismatch: expected 0b01, got 9f3c$/,
    ],
    [
      "DownloadFailed",
      workerFailure("DownloadFailed", "GET http://mirror/x.iso: 404"),
      /^GET http:\/\/mirror\/x.iso: 404$/,
    ],
    ["DownloadFailed", { exitCode: 137 }, /exited with code 137 \(Error\); see kubectl logs/],
  ] as const) {
    test(`prepare failure → ${reason}, exit ${exit.exitCode}`, async () => {
      const name = `prep-${reason.toLowerCase()}-${exit.exitCode}`;
      const build = await applyBuild(env, uniqueBuild(name));
      await finishJob(env, await childOf(env, build, "prepare"), exit);
      const failed = await buildUntil(env, name, phaseIs("Failed"));
      assert.equal(succeededCondition(failed)?.reason, reason);
      assert.match(succeededCondition(failed)?.message ?? "", expected);
      assert.deepEqual(await childrenOf(env, build, "install"), []);
    });
  }

  test("a storage PVC that does not exist yet: the build waits, making nothing, and goes on once it does", async () => {
    const storage = { pvc: { claimName: "arrives-later", subPath: "" } };
    const build = await applyBuild(env, uniqueBuild("waits", set("spec.storage", storage)));
    // It waits before claiming its build key, so identical builds elsewhere are not held up by it.
    const waiting = await buildUntil(env, "waits", (b) =>
      /Waiting for PersistentVolumeClaim builds\/arrives-later/.test(succeededCondition(b)?.message ?? ""),
    );
    assert.equal(waiting.status?.phase, "Pending");
    const made = Object.entries(countsOf(await allChildrenOf(env, build))).filter(([, n]) => n > 0);
    assert.deepEqual(made, [], "nothing is made while there is nowhere to publish");

    await env.client.create(coreRefs.pvc, {
      metadata: { name: "arrives-later", namespace: "builds" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
    });
    await childOf(env, build, "prepare");
  });

  test("VMI Failed → InstallFailed", async () => {
    const build = await applyBuild(env, uniqueBuild("vm-fails"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    await finishVm(env, await childOf(env, build, "install"), "Failed");
    const failed = await buildUntil(env, "vm-fails", phaseIs("Failed"));
    assert.equal(succeededCondition(failed)?.reason, "InstallFailed");
    assert.match(
      succeededCondition(failed)?.message ?? "",
      /install VM vm-fails-install-\w+ failed \(GuestCrashed\)/,
    );
    assert.deepEqual(await childrenOf(env, build, "extract"), []);
  });

  test("install past spec.install.timeout → InstallTimeout, and the VM is deleted", async () => {
    const build = await applyBuild(env, uniqueBuild("slow", set("spec.install.timeout", "30s")));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const vm = await childOf(env, build, "install");
    await buildUntil(env, "slow", phaseIs("Installing"));
    env.clockOffsetMs = 60_000;
    try {
      const failed = await buildUntil(env, "slow", phaseIs("Failed"));
      assert.equal(succeededCondition(failed)?.reason, "InstallTimeout");
      assert.match(succeededCondition(failed)?.message ?? "", /longer than 30s/);
    } finally {
      env.clockOffsetMs = 0;
    }
    assert.ok(await goneOrGoing(env, children.install, vm));
    const disk = await childOf(env, build, "disk");
    assert.match(disk.metadata.annotations?.[installTimeoutAnnotation] ?? "", /longer than 30s/);
  });

  for (const [reason, exit] of [
    ["ExtractFailed", { exitCode: 1, message: "guestfish: cannot open /target/disk.img" }],
    [
      "PublishFailed",
      workerFailure("PublishFailed", "PutObject rootfs.cgz: AccessDenied; check the S3 credentials"),
    ],
  ] as const) {
    test(`extract failure → ${reason}`, async () => {
      const name = `extract-${reason.toLowerCase()}`;
      const build = await applyBuild(env, uniqueBuild(name));
      await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
      await finishVm(env, await childOf(env, build, "install"), "Succeeded");
      await finishJob(env, await childOf(env, build, "extract"), exit);
      const failed = await buildUntil(env, name, phaseIs("Failed"));
      assert.equal(succeededCondition(failed)?.reason, reason);
      assert.match(
        succeededCondition(failed)?.message ?? "",
        reason === "ExtractFailed" ? /cannot open/ : /AccessDenied/,
      );
    });
  }
});
