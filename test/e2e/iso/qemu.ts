// Boots an ISO in qemu and collects the serial console until a marker line shows up.
import { spawn } from "node:child_process";
import { constants, accessSync } from "node:fs";

export type Accel = "kvm" | "tcg";

// Nested or restricted KVM can open /dev/kvm yet fail on isolinux's real-mode code.
const KVM_FAILURE = /KVM internal error|kvm_buf_set_msrs|failed to initialize kvm|Could not access KVM/i;

let kvmFailedBefore = false;

function kvmOpenable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface BootResult {
  accel: Accel;
  /** The first line containing the marker, or undefined on timeout. */
  line: string | undefined;
  output: string;
}

/** "cdrom": El Torito boot; "disk": the isohybrid MBR, as when the ISO is written to a USB stick. */
export type BootMedia = "cdrom" | "disk";

function mediaArgs(iso: string, media: BootMedia): string[] {
  return media === "cdrom"
    ? ["-cdrom", iso, "-boot", "d"]
    : ["-drive", `file=${iso},format=raw,if=ide,snapshot=on`];
}

function bootOnce(
  iso: string,
  media: BootMedia,
  marker: string,
  accel: Accel,
  timeoutMs: number,
): Promise<BootResult> {
  return new Promise((resolve, reject) => {
    const args = ["-accel", accel, "-m", "512", "-display", "none", "-serial", "stdio", "-monitor", "none"];
    const qemu = spawn("qemu-system-x86_64", [...args, "-no-reboot", ...mediaArgs(iso, media)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let done = false;
    const markerLine = (): string | undefined => output.split(/\r?\n/).find((l) => l.includes(marker));
    const finish = (line: string | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      qemu.kill("SIGKILL");
      resolve({ accel, line, output });
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const line = markerLine();
      // Wait for the end of the line so the whole command line is in.
      if (line !== undefined && output.slice(output.indexOf(line) + line.length).includes("\n")) finish(line);
      else if (accel === "kvm" && KVM_FAILURE.test(output)) finish(undefined);
    };
    qemu.stdout.on("data", onData);
    qemu.stderr.on("data", onData);
    qemu.on("error", (error) => {
      done = true;
      clearTimeout(timer);
      reject(
        new Error(`qemu-system-x86_64 did not start (${error.message}): install the qemu-system-x86 package`),
      );
    });
    qemu.on("exit", () => finish(markerLine()));
  });
}

/** Boots with KVM when it works here, else with TCG (slower, always available). */
export async function bootUntil(
  iso: string,
  media: BootMedia,
  marker: string,
  timeoutMs: number,
): Promise<BootResult> {
  if (process.env["ROOTFS_QEMU_ACCEL"] !== "tcg" && !kvmFailedBefore && kvmOpenable()) {
    const result = await bootOnce(iso, media, marker, "kvm", timeoutMs);
    if (result.line !== undefined || !KVM_FAILURE.test(result.output)) return result;
    kvmFailedBefore = true;
  }
  return bootOnce(iso, media, marker, "tcg", timeoutMs);
}
