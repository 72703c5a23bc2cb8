import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { allChildNames } from "../../../src/controller/builders/index.js";
import { allChildren, allNames, pvcUids } from "./all-children.js";
import { buildNamed, contextFor, distroCases, sha256 } from "./fixtures.js";

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const buildNames = [
  { id: "a short name", name: "oe" },
  { id: "a 60-character name", name: `openeuler-24-03-lts-sp1-aarch64-nfsroot-${"x".repeat(20)}` },
  { id: "a 120-character name", name: `${"long-build-name-".repeat(7)}end-of-it` },
];

describe("child names", () => {
  test("the fixture names have the lengths the cases say", () => {
    assert.equal(buildNames[1]?.name.length, 60);
    assert.ok((buildNames[2]?.name.length ?? 0) > 63);
  });

  for (const { id, name } of buildNames) {
    for (const distro of distroCases) {
      test(`${distro.id}, ${id}: DNS labels of at most 63 characters, the same every time`, async () => {
        const ctx = await contextFor(buildNamed(name, distro.modifier));
        const names = allNames(ctx);
        for (const [child, childName] of Object.entries(names)) {
          assert.ok(childName.length <= 63, `${child}: ${childName} has ${childName.length} characters`);
          assert.match(childName, dnsLabel, child);
        }
        const again = allNames(await contextFor(buildNamed(name, distro.modifier)));
        assert.deepEqual(again, names);
      });
    }
  }

  test("every built object carries the name allChildNames() (or the Secrets' names) gives it", async () => {
    const ctx = await contextFor(buildNamed("named"));
    const names = allNames(ctx);
    for (const [child, object] of Object.entries(allChildren(ctx))) {
      assert.equal(object.metadata.name, names[child as keyof typeof names], child);
    }
  });

  test("build-owned names are distinct per step and follow <build>-<step>-<key8>", async () => {
    const ctx = await contextFor(buildNamed("b1"));
    const key8 = ctx.key.slice(0, 8);
    const uid8 = (uid: string) => uid.replace(/[^a-z0-9]/g, "").slice(0, 8);
    assert.deepEqual(allNames(ctx), {
      answerSecret: `b1-answer-${uid8(pvcUids.targetDiskPvc)}`,
      targetDiskPvc: `b1-disk-${key8}`,
      installVm: `b1-install-${key8}`,
      installJob: `b1-install-${key8}`,
      extractJob: `b1-extract-${key8}`,
      isoPvc: `rootfs-iso-${ctx.isoKey.slice(0, 12)}`,
      prepareJob: `rootfs-iso-${ctx.isoKey.slice(0, 12)}`,
      prepareSecret: `rootfs-iso-${ctx.isoKey.slice(0, 12)}-${uid8(pvcUids.isoPvc)}`,
    });
  });

  test("a new build key renames the build's children but not the shared ISO ones", async () => {
    const build = buildNamed("rekeyed");
    const before = allChildNames(await contextFor(build));
    const after = allChildNames(await contextFor(build, { key: sha256("another key") }));
    for (const child of ["targetDiskPvc", "installVm", "extractJob"] as const) {
      assert.notEqual(after[child], before[child], child);
    }
    assert.equal(after.isoPvc, before.isoPvc);
    assert.equal(after.prepareJob, before.prepareJob);
  });

  test("two builds of one ISO share the ISO PVC and prepare Job, and nothing else", async () => {
    const one = allChildNames(await contextFor(buildNamed("first")));
    const two = allChildNames(await contextFor(buildNamed("second")));
    assert.equal(one.isoPvc, two.isoPvc);
    assert.equal(one.prepareJob, two.prepareJob);
    assert.notEqual(one.installVm, two.installVm);
    assert.notEqual(one.targetDiskPvc, two.targetDiskPvc);
  });
});
