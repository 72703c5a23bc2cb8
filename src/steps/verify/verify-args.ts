import type { Accelerator, GuestArch } from "../qemu/guest-arch.js";
import { machineArgs, sizeArgs } from "../qemu/machine-args.js";
import { verifyKernelArgs } from "./check-script.js";
import { systemdKernelArgs } from "./systemd-check.js";
import type { VerifyMode } from "./types.js";

/** Direct kernel boot with the rootfs as initramfs; aarch64's virt machine needs no firmware for this. */
export function verifyVmArgs(
  vm: {
    arch: GuestArch;
    kernel: string;
    initrd: string;
    memoryBytes: number;
    nonce: string;
    mode: VerifyMode;
  },
  accel: Accelerator,
): string[] {
  return [
    ...machineArgs(vm.arch, accel),
    // systemd starts its units in parallel; two CPUs keep a TCG boot to multi-user.target within minutes.
    ...sizeArgs(vm.memoryBytes, vm.mode === "shell" ? 1 : 2),
    "-kernel",
    vm.kernel,
    "-initrd",
    vm.initrd,
    "-append",
    vm.mode === "shell" ? verifyKernelArgs(vm.arch, vm.nonce) : systemdKernelArgs(vm.arch, vm.nonce),
  ];
}
