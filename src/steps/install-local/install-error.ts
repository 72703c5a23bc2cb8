import { StepFailure } from "../../reasons/step-failure.js";
import type { VmOutcome } from "../qemu/run-vm.js";
import type { InstallFailureSeen } from "./console-watcher.js";

export interface InstallObservation {
  vm: Pick<VmOutcome, "exit" | "shutdownReason" | "stoppedBy" | "stderr" | "lastLines">;
  failure?: InstallFailureSeen;
  expectsSuccessMarker: boolean;
  sawSuccessMarker: boolean;
  timeoutMs: number;
  consoleLog: string;
}

/** Undefined when the install succeeded; otherwise the error that says what went wrong and what to do. */
export function installError(seen: InstallObservation): Error | undefined {
  const logHint = `Full console log: ${seen.consoleLog}`;
  const lastLines = (count: number) => seen.vm.lastLines.slice(-count).join("\n") || "(none)";
  // A failure signature wins: it is why we stopped the VM.
  if (seen.failure) {
    return new StepFailure(
      "InstallFailed",
      `Installer failed: ${seen.failure.reason}; the console showed:\n${seen.failure.excerpt.join("\n")}\n${logHint}`,
    );
  }
  if (seen.vm.stoppedBy === "timeout") {
    return new StepFailure(
      "InstallTimeout",
      `The install ran longer than ${formatDuration(seen.timeoutMs)}; the last console lines were:\n${lastLines(20)}\n` +
        `Raise spec.install.timeout or check the log: ${seen.consoleLog}`,
    );
  }
  if (seen.vm.stoppedBy !== undefined) {
    const error = new Error("The install was aborted; the VM was stopped");
    error.name = "AbortError";
    return error;
  }
  // With -no-reboot a reboot ends qemu with status 0 too; only QMP's reason tells it from a poweroff.
  if (seen.vm.shutdownReason === "guest-reset") {
    return new StepFailure(
      "InstallFailed",
      `Installer failed: the installer rebooted instead of powering off (the answer file must end in poweroff); ` +
        `the last console lines were:\n${lastLines(20)}\n${logHint}`,
    );
  }
  if (seen.vm.exit.code !== 0) {
    const status = seen.vm.exit.signal ?? `exit status ${String(seen.vm.exit.code)}`;
    return new StepFailure(
      "InstallFailed",
      `qemu could not run the install VM (${status}): ${seen.vm.stderr || "no error output"}; ` +
        "check the ISO, disk and firmware paths and that qemu is installed",
    );
  }
  if (seen.vm.shutdownReason !== undefined && seen.vm.shutdownReason !== "guest-shutdown") {
    return new StepFailure(
      "InstallFailed",
      `Installer failed: the VM stopped (${seen.vm.shutdownReason}) instead of powering off; ` +
        `the last console lines were:\n${lastLines(20)}\n${logHint}`,
    );
  }
  if (seen.expectsSuccessMarker && !seen.sawSuccessMarker) {
    return new StepFailure(
      "InstallFailed",
      `Installer failed: the installer powered off without reporting success; the last console lines were:\n` +
        `${lastLines(20)}\n${logHint}`,
    );
  }
  return undefined;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  return minutes % 60 ? `${Math.floor(minutes / 60)}h${minutes % 60}m` : `${minutes / 60}h`;
}
