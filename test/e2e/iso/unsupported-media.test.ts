// Live, wrong-family and kernel-less ISOs are refused by `rootfs remaster` and `rootfs build`, each with its
// own message, before anything is written or booted; and EFI/BOOT/BOOT.conf is patched where it exists.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { remasterIso } from "../../../src/iso/remaster.js";
import {
  buildFixtureIso,
  isoFixture,
  kernelArgsFor,
  readIsoFile,
  renderBootConfigs,
} from "../../helpers/iso-fixtures.js";
import { refusedMedia, refusedMediaFiles } from "../../helpers/media-fixtures.js";
import { repoRoot } from "../../helpers/paths.js";

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
const dir = await mkdtemp(path.join(tmpdir(), "rootfs-media-"));
after(() => rm(dir, { recursive: true, force: true }));

const rootfs = (args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });

describe("media that cannot install are refused", () => {
  for (const media of refusedMedia) {
    test(`${media.name}: rootfs remaster and rootfs build exit 1 with UnsupportedMedia, writing nothing`, async () => {
      const work = path.join(dir, media.name);
      await rm(work, { recursive: true, force: true });
      const { iso, buildFile } = await refusedMediaFiles(media, await mkdtemp(`${work}-`));
      const out = path.join(path.dirname(iso), "out.iso");

      const remaster = rootfs(["remaster", "--iso", iso, "--out", out, "-f", buildFile]);
      assert.equal(remaster.status, 1, remaster.stderr);
      assert.match(remaster.stderr, /rootfs remaster failed \(UnsupportedMedia\): /);
      assert.match(remaster.stderr, media.message);
      assert.ok(!(await readdir(path.dirname(iso))).includes("out.iso"), "no ISO was written");

      const outDir = path.join(path.dirname(iso), "build-out");
      const cache = path.join(path.dirname(iso), "cache");
      const build = rootfs(["build", "-f", buildFile, "--out", outDir, "--cache", cache]);
      assert.equal(build.status, 1, build.stderr);
      assert.match(build.stderr, /rootfs build failed \(UnsupportedMedia\): /);
      assert.match(build.stderr, media.message);
      assert.ok(!existsSync(path.join(cache, "builds")), "no install was started");
    });
  }
});

test("EFI/BOOT/BOOT.conf, the Mac UEFI menu, is patched like EFI/BOOT/grub.cfg", async () => {
  const fixture = isoFixture("fedora-42-x86_64");
  const work = await mkdtemp(path.join(dir, "bootconf-"));
  const grub = renderBootConfigs(fixture).get("EFI/BOOT/grub.cfg") ?? "";
  const input = await buildFixtureIso(fixture, work, { extraFiles: { "EFI/BOOT/BOOT.conf": grub } });
  const output = path.join(work, "unattended.iso");
  const result = await remasterIso({ input, output, kernelArgs: kernelArgsFor("anaconda") });
  const bootConf = result.changes.find((c) => c.file === "EFI/BOOT/BOOT.conf");
  assert.ok(bootConf && bootConf.entries.length > 0, "BOOT.conf reported as changed");
  const patched = (await readIsoFile(output, "EFI/BOOT/BOOT.conf", work)).toString("utf8");
  assert.equal(patched, (await readIsoFile(output, "EFI/BOOT/grub.cfg", work)).toString("utf8"));
  assert.match(patched, /inst\.ks=hd:LABEL=OEMDRV:\/ks\.cfg/);
});
