import type { GuestArch } from "./guest-arch.js";

/**
 * Tiny guests that prove an accelerator can run real code, not just that qemu starts with it: a KVM that
 * only runs paravirtualised guests (nested PVM) accepts `-accel kvm` and then hangs stock kernels.
 */
export interface ProbeGuest {
  /** File name for `bytes` in a scratch directory. */
  fileName: string;
  bytes: Buffer;
  /** qemu arguments that boot `file` and let the guest end qemu. */
  args(file: string): string[];
  /** qemu's exit status when the guest ran to its end. */
  expectedExitCode: number;
}

// x86_64: a 64 KiB BIOS ROM whose reset vector jumps to code that builds an identity page table, enters
// protected and then long mode, and writes 0x2a to isa-debug-exit (qemu exits with (0x2a << 1) | 1 = 85).
// Assembled with GNU as from:
//   .code16: cli; zero 0x1000-0x3fff; PML4[0]=0x2003 PDPT[0]=0x3003 PD[0]=0x83 (2 MiB page);
//            ds=0xf000; lgdtl gdtr; cr0.PE=1; ljmpl $0x08, pm32
//   .code32: ds=es=ss=0x10; cr4.PAE=1; cr3=0x1000; EFER.LME=1; cr0.PG=1; ljmp $0x18, lm64
//   .code64: mov $0x2a, %al; out %al, $0xf4; hlt
//   gdt: null, code32 0x00cf9a000000ffff, data 0x00cf92000000ffff, code64 0x00af9a000000ffff
const x86LongModeCode =
  "fa31c08ec0bf0010b90018fcf3ab2666c7060010032000002666c7060020033000002666c706003083000000b800f08e" +
  "d8660f0116b0000f20c06683c8010f22c066ea49000f00080066b810008ed88ec08ed00f20e083c8200f22e0b8001000" +
  "000f22d8b9800000c00f320d000100000f300f20c00d000000800f22c0ea84000f001800b02ae6f4f4ebf90f1f440000" +
  "0000000000000000ffff0000009acf00ffff00000092cf00ffff0000009aaf001f0090000f00";

function x86Rom(): Buffer {
  const rom = Buffer.alloc(64 * 1024);
  Buffer.from(x86LongModeCode, "hex").copy(rom, 0);
  // At the reset vector (0xffff0): ljmp $0xf000, $0x0000, i.e. to the code at the start of the ROM.
  Buffer.from([0xea, 0x00, 0x00, 0x00, 0xf0]).copy(rom, 0xfff0);
  return rom;
}

// aarch64: loaded with -kernel on the virt machine; calls PSCI SYSTEM_OFF through the hypervisor.
//   movz w0, #0x0008; movk w0, #0x8400, lsl #16; hvc #0; b .
function aarch64Kernel(): Buffer {
  const code = Buffer.alloc(16);
  [0x52800100, 0x72b08000, 0xd4000002, 0x14000000].forEach((word, i) => code.writeUInt32LE(word, i * 4));
  return code;
}

export function probeGuestFor(arch: GuestArch): ProbeGuest {
  switch (arch) {
    case "x86_64":
      return {
        fileName: "probe-rom.bin",
        bytes: x86Rom(),
        args: (file) => [
          "-nodefaults",
          "-m",
          "16",
          "-bios",
          file,
          "-device",
          "isa-debug-exit,iobase=0xf4,iosize=4",
        ],
        expectedExitCode: 85,
      };
    case "aarch64":
      return {
        fileName: "probe-kernel.bin",
        bytes: aarch64Kernel(),
        args: (file) => ["-nodefaults", "-m", "64", "-kernel", file],
        expectedExitCode: 0,
      };
  }
}
