/** The guest architectures we build for; each maps to one qemu system emulator. */
export type GuestArch = "x86_64" | "aarch64";

/** How a VM's instructions run: hardware virtualisation or qemu's software emulator. */
export type Accelerator = "kvm" | "tcg";

export function qemuBinaryFor(arch: GuestArch): string {
  switch (arch) {
    case "x86_64":
      return "qemu-system-x86_64";
    case "aarch64":
      return "qemu-system-aarch64";
  }
}

/** The guest architecture this Node process runs on, when it is one we can accelerate. */
export function hostArch(): GuestArch | undefined {
  if (process.arch === "x64") return "x86_64";
  if (process.arch === "arm64") return "aarch64";
  return undefined;
}

/** The serial console device name the guest kernel needs in `console=`. */
export function serialConsoleFor(arch: GuestArch): string {
  switch (arch) {
    case "x86_64":
      return "ttyS0";
    case "aarch64":
      return "ttyAMA0";
  }
}
