import { assertNever } from "../lib/assert-never.js";
import type { Arch } from "./request.js";

// Facts about the install VM that depend only on the CPU architecture.

/** aarch64 VMs boot only through UEFI firmware; x86_64 installs must work under BIOS or UEFI. */
export function needsUefi(arch: Arch): boolean {
  switch (arch) {
    case "x86_64":
      return false;
    case "aarch64":
      return true;
    default:
      return assertNever(arch);
  }
}

export interface SerialConsole {
  /** The serial device the installer and the installed kernel print to: 16550 UART or PL011. */
  device: "ttyS0" | "ttyAMA0";
  baud: 115200;
  /** The kernel argument that selects it. */
  kernelArg: string;
}

export function consoleFor(arch: Arch): SerialConsole {
  switch (arch) {
    case "x86_64":
      return serial("ttyS0");
    case "aarch64":
      return serial("ttyAMA0");
    default:
      return assertNever(arch);
  }
}

function serial(device: SerialConsole["device"]): SerialConsole {
  return { device, baud: 115200, kernelArg: `console=${device},115200` };
}

/** The disk the installers partition: the install VM's first virtio-blk disk. Attach it before any other disk. */
export const targetDisk = "vda";
