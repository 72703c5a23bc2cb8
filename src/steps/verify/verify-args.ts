import type { Accelerator, GuestArch } from "../qemu/guest-arch.js";
import { machineArgs, sizeArgs } from "../qemu/machine-args.js";
import { verifyKernelArgs } from "./check-script.js";

/** Direct kernel boot with the rootfs as initramfs; aarch64's virt machine needs no firmware for this. */
export function verifyVmArgs(
  vm: { arch: GuestArch; kernel: string; initrd: string; memoryBytes: number; nonce: string },
  accel: Accelerator,
): string[] {
  return [
    ...machineArgs(vm.arch, accel),
    ...sizeArgs(vm.memoryBytes, 1),
    "-kernel",
    vm.kernel,
    "-initrd",
    vm.initrd,
    "-append",
    verifyKernelArgs(vm.arch, vm.nonce),
  ];
}
