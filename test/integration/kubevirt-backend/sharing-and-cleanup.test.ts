// Builds of one ISO share its remaster; deleting a build removes what it made and nothing another build needs.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import {
  applyBuild,
  buildUntil,
  envAndOperatorForSuite,
  getBuild,
  phaseIs,
  uniqueBuild,
  type Env,
} from "./env.js";
import {
  childOf,
  children,
  extractSucceeded,
  finishJob,
  finishVm,
  goneOrGoing,
  prepareSucceeded,
  type Step,
} from "./fake-cluster/index.js";

describe("kubevirt backend: shared ISOs and cleanup on a real apiserver", () => {
  let env: Env;
  envAndOperatorForSuite((started) => (env = started));

  /** Two builds of one ISO and installer whose build keys differ (packages ride on the answer volume). */
  async function sharers(prefix: string): Promise<[RootfsBuild, RootfsBuild]> {
    const first = uniqueBuild(`${prefix}-vim`, set("spec.install.packages", ["vim"]));
    const second = structuredClone(first);
    second.metadata.name = `${prefix}-tmux`;
    set("spec.install.packages", ["tmux"])(second);
    const builds = await Promise.all([applyBuild(env, first), applyBuild(env, second)]);
    // Both must own the prepare Job (and ISO PVC) before the test goes on.
    for (const build of builds) await childOf(env, build, "prepare");
    return builds;
  }

  const uids = (owners: { uid: string }[] | undefined) => (owners ?? []).map((o) => o.uid).sort();

  test("two builds of the same ISO and profile share one ISO PVC and one prepare Job", async () => {
    const [a, b] = await sharers("share");
    assert.notEqual(
      (await buildUntil(env, a.metadata.name, (x) => x.status?.buildKey !== undefined)).status?.buildKey,
      (await buildUntil(env, b.metadata.name, (x) => x.status?.buildKey !== undefined)).status?.buildKey,
    );
    const [isoA, isoB] = [await childOf(env, a, "iso"), await childOf(env, b, "iso")];
    const [prepA, prepB] = [await childOf(env, a, "prepare"), await childOf(env, b, "prepare")];
    assert.equal(isoA.metadata.uid, isoB.metadata.uid);
    assert.equal(prepA.metadata.uid, prepB.metadata.uid);
    const bothUids = uids([a.metadata, b.metadata] as { uid: string }[]);
    assert.deepEqual(uids(isoA.metadata.ownerReferences), bothUids);
    assert.deepEqual(uids(prepA.metadata.ownerReferences), bothUids);
    assert.ok(isoA.metadata.ownerReferences?.every((o) => o.controller === false));

    await finishJob(env, prepA, prepareSucceeded);
    const vms = [await childOf(env, a, "install"), await childOf(env, b, "install")];
    assert.notEqual(vms[0]?.metadata.name, vms[1]?.metadata.name);
    for (const vm of vms) await finishVm(env, vm, "Succeeded");
    for (const build of [a, b]) {
      await finishJob(env, await childOf(env, build, "extract"), extractSucceeded);
    }

    // The first to finish leaves the ISO to the other; the last one deletes it.
    await buildUntil(env, a.metadata.name, phaseIs("Succeeded"));
    await buildUntil(env, b.metadata.name, phaseIs("Succeeded"));
    await eventually(
      () => goneOrGoing(env, children.prepare, prepA),
      (gone) => gone,
    );
    assert.ok(await goneOrGoing(env, children.iso, isoA));
  });

  test("deleting a build removes its children; the shared ISO stays while another build owns it", async () => {
    const [a, b] = await sharers("doomed");
    await finishJob(env, await childOf(env, a, "prepare"), prepareSucceeded);
    await childOf(env, a, "install");
    await childOf(env, b, "install");
    const own: Step[] = ["answer", "disk", "install"];
    const ownChildren = async (build: RootfsBuild) =>
      Promise.all(own.map(async (step) => ({ step, child: await childOf(env, build, step) })));
    const [ownOfA, ownOfB] = [await ownChildren(a), await ownChildren(b)];
    const iso = await childOf(env, a, "iso");
    const prepare = await childOf(env, a, "prepare");

    await env.cp.kubectl(["delete", "rootfsbuild", a.metadata.name, "-n", "builds", "--wait=false"], {
      check: true,
    });
    await eventually(
      () => getBuild(env, a.metadata.name),
      (gone) => gone === undefined,
    );
    for (const { step, child } of ownOfA) {
      assert.ok(await goneOrGoing(env, children[step], child), `${step} ${child.metadata.name} survived`);
    }
    for (const shared of [iso, prepare]) {
      const now = await env.client.get(
        shared.kind === "Job" ? children.prepare : children.iso,
        shared.metadata.name,
        "builds",
      );
      assert.equal(now.metadata.deletionTimestamp, undefined, `${shared.kind} went with its first owner`);
      assert.deepEqual(uids(now.metadata.ownerReferences), [b.metadata.uid]);
    }
    assert.equal((await getBuild(env, b.metadata.name))?.status?.phase, "Installing");

    await env.cp.kubectl(["delete", "rootfsbuild", b.metadata.name, "-n", "builds", "--wait=false"], {
      check: true,
    });
    await eventually(
      () => getBuild(env, b.metadata.name),
      (gone) => gone === undefined,
    );
    assert.ok(await goneOrGoing(env, children.iso, iso));
    assert.ok(await goneOrGoing(env, children.prepare, prepare));
    for (const { step, child } of ownOfB) {
      assert.ok(await goneOrGoing(env, children[step], child), `${step} ${child.metadata.name} survived`);
    }
  });

  test("a spec change mid-install retires the old build key's VM, disk and answer Secret", async () => {
    const build = await applyBuild(env, uniqueBuild("edited", set("spec.install.packages", ["vim"])));
    const prepare = await childOf(env, build, "prepare");
    await finishJob(env, prepare, prepareSucceeded);
    const own: Step[] = ["answer", "disk", "install"];
    const old = await Promise.all(
      own.map(async (step) => ({ step, child: await childOf(env, build, step) })),
    );
    const first = await buildUntil(env, "edited", phaseIs("Installing"));

    await env.cp.kubectl(
      [
        "patch",
        "rootfsbuild",
        "edited",
        "-n",
        "builds",
        "--type=merge",
        "-p",
        '{"spec":{"install":{"packages":["tmux"]}}}',
      ],
      { check: true },
    );
    await buildUntil(
      env,
      "edited",
      (b) => b.status?.buildKey !== first.status?.buildKey && b.status?.phase === "Installing",
    );
    for (const { step, child } of old) {
      await eventually(
        () => goneOrGoing(env, children[step], child),
        (gone) => gone,
      );
    }
    // Same ISO, so the finished prepare Job serves the new key at once.
    const vm = await childOf(env, build, "install");
    assert.notEqual(vm.metadata.name, old.find((o) => o.step === "install")?.child.metadata.name);
    assert.equal((await childOf(env, build, "prepare")).metadata.uid, prepare.metadata.uid);
  });
});
