import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ownerReference, sharedOwnerReference } from "../../../src/controller/builders/index.js";
import { allChildren, buildOwned, dependents, pvcUids, shared } from "./all-children.js";
import { buildNamed, contextFor, distroCases, namespace } from "./fixtures.js";

const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

describe("owner references and labels", () => {
  test("ownerReference() makes the build the controlling owner", () => {
    const build = buildNamed("owner");
    assert.deepEqual(ownerReference(build), {
      apiVersion: "rootfs.dev/v1alpha1",
      kind: "RootfsBuild",
      name: "owner",
      uid: build.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    });
    assert.equal(sharedOwnerReference(build).controller, false);
  });

  test("a build without a uid cannot own anything", () => {
    const build = buildNamed("no-uid");
    delete build.metadata.uid;
    assert.throws(() => ownerReference(build), /no metadata\.uid/);
  });

  for (const distro of distroCases) {
    test(`${distro.id}: build children are controlled by the build, ISO children only co-owned`, async () => {
      const ctx = await contextFor(buildNamed("owned", distro.modifier));
      const children = allChildren(ctx);
      for (const child of buildOwned) {
        const { metadata } = children[child];
        assert.equal(metadata.namespace, namespace, child);
        assert.deepEqual(metadata.ownerReferences, [ownerReference(ctx.build)], child);
        assert.deepEqual(
          metadata.labels,
          {
            "app.kubernetes.io/managed-by": "rootfs-operator",
            "rootfs.dev/build": "owned",
            "rootfs.dev/build-key": ctx.key.slice(0, 63),
            "rootfs.dev/step": metadata.labels["rootfs.dev/step"],
          },
          child,
        );
      }
      for (const child of shared) {
        const { metadata } = children[child];
        assert.equal(metadata.namespace, namespace, child);
        assert.deepEqual(metadata.ownerReferences, [sharedOwnerReference(ctx.build)], child);
        assert.equal(metadata.ownerReferences[0]?.controller, false, child);
        assert.equal(metadata.labels["rootfs.dev/iso-key"], ctx.isoKey.slice(0, 63), child);
        assert.equal(metadata.labels["rootfs.dev/build"], undefined, `${child} names no single build`);
      }
      for (const [child, owner] of Object.entries(dependents)) {
        const { metadata } = children[child as keyof typeof dependents];
        assert.equal(metadata.namespace, namespace, child);
        assert.deepEqual(
          metadata.ownerReferences,
          [
            {
              apiVersion: "v1",
              kind: "PersistentVolumeClaim",
              name: children[owner].metadata.name,
              uid: pvcUids[owner],
              controller: true,
            },
          ],
          child,
        );
      }
    });
  }

  test("each child names its step", async () => {
    const children = allChildren(await contextFor(buildNamed("steps")));
    const steps = Object.fromEntries(
      Object.entries(children).map(([child, object]) => [child, object.metadata.labels["rootfs.dev/step"]]),
    );
    assert.deepEqual(steps, {
      answerSecret: "answer",
      targetDiskPvc: "disk",
      installVm: "install",
      installJob: "install",
      extractJob: "extract",
      isoPvc: "iso",
      prepareJob: "prepare",
      prepareSecret: "prepare",
    });
  });

  test("label values stay valid for build names longer than 63 characters", async () => {
    const name = `${"a-very-long-build-name.".repeat(4)}x`;
    const children = allChildren(await contextFor(buildNamed(name)));
    for (const [child, { metadata }] of Object.entries(children)) {
      for (const [label, value] of Object.entries(metadata.labels)) {
        assert.ok(value.length <= 63, `${child} ${label}=${value}`);
        assert.match(value, labelValue, `${child} ${label}`);
      }
    }
    const label = children.installVm.metadata.labels["rootfs.dev/build"] ?? "";
    assert.match(label, /^a-very-long-build-name\.a-very-long-build-name\.a-very-[0-9a-f]{10}$/);
  });

  test("two long build names that begin alike get different build labels", async () => {
    const start = "x".repeat(70);
    const labelOf = async (name: string) =>
      allChildren(await contextFor(buildNamed(name))).installVm.metadata.labels["rootfs.dev/build"];
    const [one, two] = [await labelOf(`${start}-one`), await labelOf(`${start}-two`)];
    assert.notEqual(one, two);
    assert.equal(await labelOf(`${start}-one`), one, "the same name always gives the same label");
  });
});
