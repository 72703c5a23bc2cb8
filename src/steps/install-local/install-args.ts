import type { Accelerator } from "../qemu/guest-arch.js";
import { machineArgs, optionValue, sizeArgs } from "../qemu/machine-args.js";
import { mirrorNicArgs } from "../qemu/mirror-relay.js";
import type { LocalInstallRequest } from "./types.js";

type InstallVm = Pick<
  LocalInstallRequest,
  "iso" | "sideVolume" | "mirror" | "disk" | "diskFormat" | "arch" | "cpus" | "memoryBytes"
>;

/**
 * qemu arguments for the install VM: boots the installer ISO (BIOS on x86_64; UEFI on aarch64, whose
 * pflash arguments the caller passes in), with the answer volume as a second CD-ROM and the blank target
 * disk on virtio (/dev/vda); with a mirror, a network card that reaches only the mirror.
 */
export function installVmArgs(vm: InstallVm, accel: Accelerator, uefiArgs: readonly string[] = []): string[] {
  const cdrom = (id: string, file: string) => [
    "-drive",
    `if=none,id=${id},media=cdrom,readonly=on,format=raw,file=${optionValue(file)}`,
  ];
  // x86_64's q35 has AHCI for IDE CD-ROMs, one unit per port; aarch64's virt machine has no IDE, so its
  // CD-ROMs sit on virtio-scsi.
  const cdromDevice = (port: number) => (vm.arch === "x86_64" ? `ide-cd,bus=ide.${port}` : "scsi-cd");
  return [
    ...machineArgs(vm.arch, accel),
    ...sizeArgs(vm.memoryBytes, vm.cpus),
    ...uefiArgs,
    ...(vm.arch === "aarch64" ? ["-device", "virtio-scsi-pci,id=scsi0"] : []),
    ...cdrom("installer", vm.iso),
    "-device",
    `${cdromDevice(0)},drive=installer,bootindex=0`,
    ...(vm.sideVolume
      ? [...cdrom("answers", vm.sideVolume), "-device", `${cdromDevice(1)},drive=answers`]
      : []),
    // cache=unsafe skips flushes: the disk is only used after a clean poweroff, when qemu writes it out.
    "-drive",
    `if=virtio,format=${vm.diskFormat},cache=unsafe,file=${optionValue(vm.disk)}`,
    ...(vm.mirror ? mirrorNicArgs(vm.mirror) : []),
    // Installers generate keys; a hardware RNG keeps them from waiting for entropy.
    "-device",
    "virtio-rng-pci",
  ];
}
