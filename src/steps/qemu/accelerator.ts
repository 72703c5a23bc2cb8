import { existsSync } from "node:fs";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { hostArch, qemuBinaryFor, type Accelerator, type GuestArch } from "./guest-arch.js";
import { machineArgs } from "./machine-args.js";
import { probeGuestFor } from "./probe-guest.js";
import { startQemu } from "./qemu-process.js";

export type AcceleratorRequest = "auto" | Accelerator;

export interface AcceleratorChoice {
  accel: Accelerator;
  /** Why KVM is not used, when it is not. */
  whyNotKvm?: string;
}

/** A healthy KVM runs the probe guest in well under a second; a broken one hangs it. */
const probeTimeoutMs = 4000;
const probes = new Map<GuestArch, Promise<string | undefined>>();

/**
 * KVM when it can run a guest of this architecture, TCG otherwise. "kvm" insists and throws when KVM is
 * unusable; "tcg" never probes. The probe runs once per architecture and process.
 */
export async function chooseAccelerator(
  arch: GuestArch,
  requested: AcceleratorRequest = "auto",
): Promise<AcceleratorChoice> {
  if (requested === "tcg") return { accel: "tcg", whyNotKvm: "TCG was requested" };
  let probe = probes.get(arch);
  if (!probe) {
    probe = whyKvmCannotRun(arch);
    probes.set(arch, probe);
  }
  const whyNotKvm = await probe;
  if (whyNotKvm === undefined) return { accel: "kvm" };
  if (requested === "kvm") {
    throw new Error(
      `KVM was requested but is unusable: ${whyNotKvm}; fix KVM or set accel to "auto" or "tcg"`,
    );
  }
  return { accel: "tcg", whyNotKvm };
}

/** The one line a person reads to know how fast the VM will be. */
export function describeAccelerator(choice: AcceleratorChoice, what: string): string {
  return choice.accel === "kvm"
    ? `${what} is using KVM`
    : `KVM unavailable (${choice.whyNotKvm ?? "unknown"}); ${what} is using TCG, expect it to be slow`;
}

/** Undefined when KVM works for `arch`, otherwise the reason it does not. */
export async function whyKvmCannotRun(arch: GuestArch): Promise<string | undefined> {
  const host = hostArch();
  if (host !== arch) return `the host is ${host ?? process.arch} and the guest ${arch}`;
  const device = await openKvmDevice();
  if (device) return device;
  return bootProbeGuest(arch);
}

async function openKvmDevice(): Promise<string | undefined> {
  try {
    await (await open("/dev/kvm", "r+")).close();
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      return "/dev/kvm does not exist; load the kvm module or pass the device into the container";
    if (code === "EACCES" || code === "EPERM")
      return "no permission to open /dev/kvm; add the user to the kvm group";
    return `cannot open /dev/kvm: ${(err as Error).message}`;
  }
}

async function bootProbeGuest(arch: GuestArch): Promise<string | undefined> {
  const guest = probeGuestFor(arch);
  const dir = await mkdtemp(path.join(tmpdir(), "rootfs-kvm-probe-"));
  try {
    const file = path.join(dir, guest.fileName);
    await writeFile(file, guest.bytes);
    const qemu = startQemu(qemuBinaryFor(arch), [
      ...machineArgs(arch, "kvm"),
      "-display",
      "none",
      ...guest.args(file),
    ]);
    const timer = setTimeout(() => qemu.kill(), probeTimeoutMs);
    const exit = await qemu.exited;
    clearTimeout(timer);
    if (exit.code === guest.expectedExitCode) return undefined;
    const stderr = qemu.stderrText().trim().split("\n")[0];
    if (exit.signal === "SIGKILL") {
      return `a test guest did not finish within ${probeTimeoutMs / 1000} s under KVM${pvmHint()}`;
    }
    return `qemu could not run a test guest under KVM: ${stderr || `exit status ${String(exit.code)}`}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pvmHint(): string {
  return existsSync("/sys/module/kvm_pvm")
    ? " (this host's KVM is kvm_pvm, which runs only PVM-enabled guest kernels)"
    : "";
}
