import type { Accelerator, GuestArch } from "./guest-arch.js";

/**
 * Machine type, CPU model and accelerator. With TCG the CPU is "max" because the default models lack
 * features current distributions require (RHEL 9 needs x86-64-v2).
 */
export function machineArgs(arch: GuestArch, accel: Accelerator): string[] {
  const cpu = accel === "kvm" ? "host" : "max";
  switch (arch) {
    case "x86_64":
      return ["-machine", `q35,accel=${accel}`, "-cpu", cpu];
    case "aarch64":
      return ["-machine", `virt,accel=${accel}`, "-cpu", cpu];
  }
}

/** Memory and CPUs; memory is rounded up to whole MiB, as qemu's `-m` takes MiB. */
export function sizeArgs(memoryBytes: number, cpus: number): string[] {
  const mib = Math.max(64, Math.ceil(memoryBytes / (1024 * 1024)));
  return ["-m", String(mib), "-smp", String(Math.max(1, Math.floor(cpus)))];
}

/**
 * Settings every VM of ours shares: no display or monitor, no network, and a guest reboot ends qemu
 * (`-no-reboot`) so a VM that reboots is seen as stopped instead of starting over.
 */
export const headlessArgs: readonly string[] = [
  "-display",
  "none",
  "-monitor",
  "none",
  "-parallel",
  "none",
  "-nic",
  "none",
  "-no-reboot",
];

/** Escapes a value (e.g. a path) for qemu's comma-separated option syntax. */
export function optionValue(value: string): string {
  return value.replaceAll(",", ",,");
}

/**
 * The first serial port as a chardev on qemu's stdout, which we read live; qemu also copies it to
 * `logFile` itself, so the log is complete even if we stop reading early.
 */
export function serialConsoleArgs(logFile?: string): string[] {
  const log = logFile ? `,logfile=${optionValue(logFile)},logappend=off` : "";
  return ["-chardev", `stdio,id=console,signal=off${log}`, "-serial", "chardev:console"];
}
