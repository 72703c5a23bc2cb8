// Builds every fixture ISO, remasters it and reads the result back with xorriso and mtools.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, test } from "node:test";
import type { PatchedConfig } from "../../../src/iso/boot-menu.js";
import { SERIAL_CONSOLES } from "../../../src/iso/boot-menu.js";
import { readFatFile } from "../../../src/iso/efiboot.js";
import { patchGrubConfig } from "../../../src/iso/patch-grub.js";
import { patchIsolinuxConfigs } from "../../../src/iso/patch-isolinux.js";
import { probeIso } from "../../../src/iso/probe.js";
import { remasterIso } from "../../../src/iso/remaster.js";
import type { IsoFixture } from "../../helpers/iso-fixtures.js";
import {
  buildFixtureIso,
  ISO_FIXTURES,
  kernelArgsFor,
  readIsoFile,
  renderBootConfigs,
} from "../../helpers/iso-fixtures.js";

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), "rootfs-iso-remaster-"));
after(() => rm(dir, { recursive: true, force: true }));

const KICKSTART = "# answer file\ntext\n";

function optionsFor(fixture: IsoFixture): { kernelArgs: string[]; serialConsole: string } {
  return { kernelArgs: kernelArgsFor(fixture.family), serialConsole: SERIAL_CONSOLES[fixture.arch] };
}

/** What the pure patchers make of the fixture's menus: the files the ISO must now hold. */
function expectedConfigs(fixture: IsoFixture): PatchedConfig[] {
  const configs = [...renderBootConfigs(fixture)].map(([file, text]) => ({ file, text }));
  const isolinux = configs.filter((c) => c.file.startsWith("isolinux/"));
  return [
    ...(isolinux.length > 0 ? patchIsolinuxConfigs(isolinux, optionsFor(fixture)) : []),
    ...configs
      .filter((c) => !c.file.startsWith("isolinux/"))
      .map((c) => patchGrubConfig(c.file, c.text, optionsFor(fixture))),
  ];
}

for (const fixture of ISO_FIXTURES) {
  test(`${fixture.name}: remastered ISO keeps label and boot images and holds the patched menus`, async () => {
    const work = join(dir, fixture.name);
    await run("mkdir", ["-p", work]);
    const input = await buildFixtureIso(fixture, work);
    const output = join(work, "unattended.iso");
    const kickstart = join(work, "ks.cfg");
    await writeFile(kickstart, KICKSTART);
    const progress: number[] = [];

    const result = await remasterIso({
      input,
      output,
      ...optionsFor(fixture),
      addFiles: [{ isoPath: "/ks.cfg", localPath: kickstart }],
      onProgress: (percent) => progress.push(percent),
    });

    const before = await probeIso(input);
    const afterLayout = await probeIso(output);
    assert.equal(result.volumeId, fixture.label);
    assert.equal(afterLayout.volumeId, fixture.label, "volume label kept, case and spaces included");
    assert.deepEqual(
      afterLayout.elTorito.map((image) => image.platform),
      before.elTorito.map((image) => image.platform),
    );
    assert.deepEqual(
      afterLayout.elTorito.map((i) => i.platform).sort(),
      fixture.arch === "x86_64" ? ["BIOS", "UEFI"] : ["UEFI"],
    );
    assert.ok(progress.every((p) => p >= 0 && p <= 100));

    for (const expected of expectedConfigs(fixture)) {
      const inIso = (await readIsoFile(output, expected.file, work)).toString("utf8");
      assert.equal(inIso, expected.text, `${expected.file} in the ISO is the patched menu`);
    }
    assert.equal((await readIsoFile(output, "ks.cfg", work)).toString("utf8"), KICKSTART);

    if (fixture.efiImage !== undefined) {
      const image = join(work, "efiboot-out.img");
      await writeFile(image, await readIsoFile(output, fixture.efiImage, work));
      const efiGrub = expectedConfigs(fixture).find((c) => c.file === "EFI/BOOT/grub.cfg");
      if (efiGrub) {
        assert.equal(
          await readFatFile(image, "EFI/BOOT/grub.cfg"),
          efiGrub.text,
          "grub.cfg inside the EFI image patched",
        );
        assert.ok(result.changes.some((c) => c.file === `${fixture.efiImage}:EFI/BOOT/grub.cfg`));
      } else {
        const original = await readIsoFile(input, fixture.efiImage, work);
        assert.ok((await readFile(image)).equals(original), "an EFI image without a menu is left untouched");
      }
    } else {
      const { stdout } = await run("xorriso", ["-indev", output, "-report_el_torito", "as_mkisofs"]);
      assert.match(stdout, /-append_partition 2 /, "Ubuntu's appended EFI partition is replayed");
    }
  });
}

test("remaster refuses to overwrite its input and names missing files to add", async () => {
  const fixture = ISO_FIXTURES[0];
  assert.ok(fixture);
  const input = await buildFixtureIso(fixture, dir);
  await assert.rejects(
    remasterIso({ input, output: input, kernelArgs: ["a"] }),
    /is the input ISO: choose another output path/,
  );
  await assert.rejects(
    remasterIso({
      input,
      output: join(dir, "x.iso"),
      kernelArgs: ["a"],
      addFiles: [{ isoPath: "/ks.cfg", localPath: join(dir, "none") }],
    }),
    /File to add to the ISO not found: .*none \(for \/ks.cfg\)/,
  );
});
