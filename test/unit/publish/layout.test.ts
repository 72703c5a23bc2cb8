import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { planLayout, type LayoutInputs } from "../../../src/steps/publish/layout.js";
import { publishLocal } from "../../../src/steps/publish/local.js";

const inputs: LayoutInputs = {
  os: { distro: "openeuler", release: "24.03-LTS", arch: "aarch64" },
  staged: ["rootfs", "rootfs.cgz", "modules.cgz", "vmlinuz", "initrd.img"],
  kernelVersion: "6.6.0-28.oe2403.aarch64",
  builtAt: new Date("2026-11-26T13:05:09Z"),
  existingOsimages: ["20261126.0.cgz", "20261126.1.cgz", "20261125.4.cgz", "current"],
};

describe("output layouts", () => {
  test("compass-ci: the tree, its links, the modules cgz and the next osimage of the day", () => {
    const plan = planLayout("compass-ci", inputs);
    const moves = Object.fromEntries(plan.moves.map((m) => [m.from, m.to]));
    assert.equal(moves.rootfs, "os/openeuler/aarch64/24.03-LTS-iso-20261126130509");
    assert.equal(moves["rootfs.cgz"], "initrd/osimage/openeuler/aarch64/24.03-LTS/20261126.2.cgz");
    assert.equal(
      moves["modules.cgz"],
      "os/openeuler/aarch64/24.03-LTS-iso-20261126130509/boot/modules-6.6.0-28.oe2403.aarch64.cgz",
    );
    const links = Object.fromEntries(plan.links.map((l) => [l.path, l.target]));
    assert.deepEqual(links, {
      "os/openeuler/aarch64/24.03-LTS-iso": "24.03-LTS-iso-20261126130509",
      "os/openeuler/aarch64/24.03-LTS": "24.03-LTS-iso",
      "os/openeuler/aarch64/24.03-LTS-iso-20261126130509/boot/vmlinuz": "vmlinuz-6.6.0-28.oe2403.aarch64",
      "os/openeuler/aarch64/24.03-LTS-iso-20261126130509/boot/modules.cgz":
        "modules-6.6.0-28.oe2403.aarch64.cgz",
      "initrd/osimage/openeuler/aarch64/24.03-LTS/current": "20261126.2.cgz",
    });
    assert.equal(plan.manifest, "builds/openeuler/aarch64/24.03-LTS-iso-20261126130509/manifest.json");
  });

  test("flat: everything side by side, manifest at the top", () => {
    const plan = planLayout("flat", {
      ...inputs,
      staged: ["rootfs", "rootfs.cgz", "rootfs.tar"],
      tarballName: "rootfs.tar.zst",
    });
    assert.deepEqual(plan.moves, [
      { from: "rootfs", to: "rootfs" },
      { from: "rootfs.cgz", to: "rootfs.cgz" },
      { from: "rootfs.tar", to: "rootfs.tar.zst" },
    ]);
    assert.equal(plan.manifest, "manifest.json");
  });

  test("publishing replaces an older output and writes the manifest last", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "publish-"));
    try {
      const staged = path.join(dir, ".staging");
      const out = path.join(dir, "out");
      await mkdir(path.join(staged, "rootfs"), { recursive: true });
      await writeFile(path.join(staged, "rootfs", "new"), "new");
      await writeFile(path.join(staged, "rootfs.cgz"), "cgz");
      await mkdir(path.join(out, "rootfs"), { recursive: true });
      await writeFile(path.join(out, "rootfs", "old"), "old");
      const plan = planLayout("compass-ci", {
        ...inputs,
        staged: ["rootfs", "rootfs.cgz"],
        existingOsimages: [],
      });
      const files = new Map([
        ["rootfs", path.join(staged, "rootfs")],
        ["rootfs.cgz", path.join(staged, "rootfs.cgz")],
      ] as const);
      await publishLocal(out, files, plan, { buildKey: "k" });
      const osimage = path.join(out, "initrd/osimage/openeuler/aarch64/24.03-LTS");
      assert.equal(await readlink(path.join(osimage, "current")), "20261126.0.cgz");
      assert.equal(await readFile(path.join(osimage, "20261126.0.cgz"), "utf8"), "cgz");
      assert.equal(await readlink(path.join(out, "os/openeuler/aarch64/24.03-LTS")), "24.03-LTS-iso");
      assert.match(await readFile(path.join(out, plan.manifest), "utf8"), /"buildKey": "k"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
