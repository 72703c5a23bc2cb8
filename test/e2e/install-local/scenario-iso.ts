import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { newcArchive, type CpioEntry } from "../../../src/steps/verify/newc-cpio.js";
import type { HostKernel } from "./host-kernel.js";

const run = promisify(execFile);

/** What the fake installer in the scenario ISO does. */
export type Scenario = "success" | "traceback" | "hang" | "reboot";

export const scenarioTools = {
  xorriso: "xorriso",
  "/usr/lib/ISOLINUX/isolinux.bin": "isolinux",
  "/usr/lib/syslinux/modules/bios/ldlinux.c32": "syslinux-common",
  "/bin/busybox": "busybox-static",
  "qemu-system-x86_64": "qemu-system-x86",
  "qemu-img": "qemu-utils",
};

/** What the success scenario writes at the start of /dev/vda. */
export const payload = "ROOTFS-SCENARIO-PAYLOAD";
export const successMarker = "ROOTFS-SCENARIO-FINISHED";

// virtio_blk and what it needs, in load order (the Debian kernel builds them as modules).
const virtioModules = [
  "drivers/virtio/virtio_ring.ko",
  "drivers/virtio/virtio.ko",
  "drivers/virtio/virtio_pci_legacy_dev.ko",
  "drivers/virtio/virtio_pci_modern_dev.ko",
  "drivers/virtio/virtio_pci.ko",
  "drivers/block/virtio_blk.ko",
];

// The kernel hands unknown `name=value` boot arguments to init as environment variables: $scenario.
const init = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for module in ${virtioModules.map((m) => path.basename(m)).join(" ")}; do insmod /modules/$module; done
echo "Starting installer (scenario $scenario)"
case "$scenario" in
success)
  echo "Configuring storage"
  i=1
  while [ $i -le 5 ]; do echo "Installing package-$i.x86_64 ($i/5)"; i=$((i + 1)); done
  n=0
  while [ ! -b /dev/vda ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  echo "${payload}" | dd of=/dev/vda conv=fsync 2>/dev/null
  echo "${successMarker}"
  poweroff -f ;;
traceback)
  echo "Installing package-1.x86_64 (1/5)"
  echo "Traceback (most recent call last):"
  echo '  File "/usr/lib64/python3.9/site-packages/pyanaconda/core/threads.py", line 280, in run'
  echo "    threading.Thread.run(self)"
  echo "pyanaconda.modules.common.errors.installation.PayloadInstallationError: scenario failure"
  while true; do sleep 60; done ;;
reboot)
  reboot -f ;;
*)
  while true; do sleep 60; done ;;
esac
`;

/** Builds (once per directory) a bootable BIOS ISO whose "installer" acts out `scenario`. */
export async function buildScenarioIso(kernel: HostKernel, scenario: Scenario, dir: string): Promise<string> {
  const root = path.join(dir, `${scenario}-root`);
  await mkdir(path.join(root, "isolinux"), { recursive: true });
  await mkdir(path.join(root, "boot"), { recursive: true });
  await writeFile(path.join(root, "boot", "vmlinuz"), await readFile(kernel.vmlinuz));
  await writeFile(path.join(root, "boot", "initrd.gz"), gzipSync(newcArchive(await initrdEntries(kernel))));
  await writeFile(
    path.join(root, "isolinux", "isolinux.bin"),
    await readFile("/usr/lib/ISOLINUX/isolinux.bin"),
  );
  await writeFile(
    path.join(root, "isolinux", "ldlinux.c32"),
    await readFile("/usr/lib/syslinux/modules/bios/ldlinux.c32"),
  );
  await writeFile(
    path.join(root, "isolinux", "isolinux.cfg"),
    [
      "serial 0 115200",
      "default install",
      "prompt 0",
      "timeout 0",
      "label install",
      "  kernel /boot/vmlinuz",
      `  append initrd=/boot/initrd.gz console=ttyS0 quiet scenario=${scenario}`,
      "",
    ].join("\n"),
  );
  const iso = path.join(dir, `${scenario}.iso`);
  await run("xorriso", [
    ...["-as", "mkisofs", "-quiet", "-o", iso, "-V", "SCENARIO"],
    ...["-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat"],
    ...["-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", root],
  ]);
  return iso;
}

async function initrdEntries(kernel: HostKernel): Promise<CpioEntry[]> {
  const modules = await Promise.all(
    virtioModules.map(async (module): Promise<CpioEntry> => ({
      type: "file",
      path: `modules/${path.basename(module)}`,
      data: await readFile(path.join(kernel.modules, "kernel", module)),
    })),
  );
  return [
    ...["bin", "dev", "proc", "modules"].map((dir): CpioEntry => ({ type: "dir", path: dir })),
    { type: "char", path: "dev/console", major: 5, minor: 1 },
    { type: "file", path: "bin/busybox", data: await readFile("/bin/busybox"), mode: 0o755 },
    { type: "file", path: "init", data: Buffer.from(init), mode: 0o755 },
    ...modules,
  ];
}
