import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { probeInstallMedium } from "../../../src/iso/install-medium.js";
import { probeIso } from "../../../src/iso/probe.js";
import { writeSideVolume } from "../../../src/iso/side-volume.js";
import { buildFixtureIso, isoFixture, listIsoFiles } from "../../helpers/iso-fixtures.js";

const dir = await mkdtemp(join(tmpdir(), "rootfs-iso-probe-"));
after(() => rm(dir, { recursive: true, force: true }));

test("probe reads a Debian ISO's label with spaces and its isolinux include files", async () => {
  const layout = await probeIso(await buildFixtureIso(isoFixture("debian-12-amd64"), dir));
  assert.equal(layout.volumeId, "Debian 12.0.0 amd64 n");
  assert.equal(layout.isolinuxConfigs[0], "isolinux/isolinux.cfg");
  assert.ok(layout.isolinuxConfigs.includes("isolinux/txt.cfg"));
  assert.deepEqual(layout.grubConfigs, ["boot/grub/grub.cfg"]);
  assert.deepEqual(layout.efiImages, ["boot/grub/efi.img"]);
  assert.deepEqual(layout.elTorito, [
    { platform: "BIOS", path: "isolinux/isolinux.bin" },
    { platform: "UEFI", path: "boot/grub/efi.img" },
  ]);
});

test("a Debian disc is mounted by its installer; the initrds its menus load are found", async () => {
  const iso = await buildFixtureIso(isoFixture("debian-12-amd64"), dir);
  const medium = await probeInstallMedium(iso, await probeIso(iso));
  assert.equal(medium.mountedByInstaller, true);
  assert.deepEqual(medium.initrds.sort(), ["install.amd/gtk/initrd.gz", "install.amd/initrd.gz"]);
  const fedora = await buildFixtureIso(isoFixture("fedora-42-x86_64"), dir);
  assert.equal((await probeInstallMedium(fedora, await probeIso(fedora))).mountedByInstaller, false);
});

test("probe keeps a lower-case daily label as it is", async () => {
  const layout = await probeIso(await buildFixtureIso(isoFixture("openeuler-22.03-aarch64"), dir));
  assert.equal(layout.volumeId, "openeuler-22.03-lts-aarch64");
  assert.equal(layout.biosBoot, false);
  assert.equal(layout.uefiBoot, true);
});

test("side volume: small ISO with the given label and files; not bootable, so probe refuses it", async () => {
  const ks = join(dir, "ks.cfg");
  await writeFile(ks, "text\n");
  for (const label of ["OEMDRV", "cidata"]) {
    const output = join(dir, `${label}.iso`);
    await writeSideVolume({
      label,
      files: [
        { isoPath: "/ks.cfg", localPath: ks },
        { isoPath: "user-data", localPath: ks },
      ],
      output,
    });
    assert.deepEqual((await listIsoFiles(output)).sort(), ["ks.cfg", "user-data"]);
    await assert.rejects(probeIso(output), (error: Error) => {
      assert.match(
        error.message,
        /ISO has no BIOS or UEFI boot configuration: looked for isolinux\/isolinux.cfg/,
      );
      return true;
    });
  }
  const pvd = execFileSync("xorriso", ["-indev", join(dir, "cidata.iso"), "-pvd_info"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  assert.match(
    pvd.toString(),
    /^Volume Id\s*: cidata$/m,
    "label case kept (cloud-init accepts cidata or CIDATA)",
  );
  await assert.rejects(
    writeSideVolume({ label: "X".repeat(33), files: [], output: join(dir, "x.iso") }),
    /1-32 characters/,
  );
});

test("probe explains files that are no ISO at all", async () => {
  const junk = join(dir, "junk.iso");
  await writeFile(junk, Buffer.alloc(1 << 20, 7));
  await assert.rejects(probeIso(junk), /is not an ISO 9660 image/);
  await assert.rejects(probeIso(join(dir, "missing.iso")), /ISO .*missing.iso not found: check the path/);
});
