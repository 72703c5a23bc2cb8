// Boots a remastered ISO for real (SeaBIOS → isolinux → Linux), as a CD and as a USB-style disk,
// and reads the command line the kernel got back from the serial console.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SERIAL_CONSOLES } from "../../../src/iso/boot-menu.js";
import { remasterIso } from "../../../src/iso/remaster.js";
import { buildFixtureIso, isoFixture, kernelArgsFor } from "../../helpers/iso-fixtures.js";
import type { BootMedia } from "./qemu.js";
import { bootUntil } from "./qemu.js";
import { CMDLINE_MARKER, tinyInitrd } from "./tiny-initrd.js";

const BOOT_TIMEOUT_MS = 90_000;
const fixture = isoFixture("openeuler-24.03-x86_64");
const kernelArgs = kernelArgsFor(fixture.family);

/** Any real x86_64 kernel will do; CI installs Debian's linux-image-amd64. */
function testKernel(): string {
  const override = process.env["ROOTFS_TEST_KERNEL"];
  if (override) return override;
  const kernel = readdirSync("/boot").find((name) => name.startsWith("vmlinuz-"));
  if (!kernel) throw new Error("No /boot/vmlinuz-*: install linux-image-amd64 or set ROOTFS_TEST_KERNEL");
  return join("/boot", kernel);
}

const dir = await mkdtemp(join(tmpdir(), "rootfs-iso-boot-"));
const output = join(dir, "unattended.iso");
after(() => rm(dir, { recursive: true, force: true }));

before(async () => {
  const initrd = join(dir, "initrd.cpio");
  await writeFile(initrd, await tinyInitrd());
  const input = await buildFixtureIso(fixture, dir, { biosKernel: { kernel: testKernel(), initrd } });
  await remasterIso({ input, output, kernelArgs, serialConsole: SERIAL_CONSOLES.x86_64 });
});

for (const media of ["cdrom", "disk"] satisfies BootMedia[]) {
  test(
    `booted as ${media}, the install entry runs with the injected args`,
    { timeout: 2 * BOOT_TIMEOUT_MS },
    async () => {
      const boot = await bootUntil(output, media, CMDLINE_MARKER, BOOT_TIMEOUT_MS);
      const tail = boot.output.slice(-2000);
      assert.ok(
        boot.line,
        `No command line on the serial console within ${BOOT_TIMEOUT_MS} ms (${boot.accel}):\n${tail}`,
      );
      const cmdline = boot.line
        .slice(boot.line.indexOf(CMDLINE_MARKER) + CMDLINE_MARKER.length)
        .trim()
        .split(/\s+/);
      for (const arg of [...kernelArgs, "console=ttyS0,115200", `inst.stage2=hd:LABEL=${fixture.label}`]) {
        assert.ok(cmdline.includes(arg), `${arg} missing from ${cmdline.join(" ")}`);
      }
      assert.ok(
        !cmdline.includes("rd.live.check"),
        "the media check entry booted instead of the install entry",
      );
    },
  );
}
