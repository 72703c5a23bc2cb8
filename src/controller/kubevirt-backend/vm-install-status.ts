import { consoleNoiseFor, failureSignaturesFor } from "../../installers/index.js";
import { FailureDiagnoser } from "../../steps/install-local/failure-diagnosis.js";
import type { InstallerProfile } from "../../installers/profile.js";
import type { KubeObject } from "../../runtime/index.js";
import type { ObservedVmi } from "./snapshot.js";

/** Whether the install ran past spec.install.timeout, counted from the VM's creation. */
export function installTimedOut(vm: KubeObject, timeoutMs: number, now: Date): boolean {
  const created = Date.parse(vm.metadata.creationTimestamp ?? "");
  return !Number.isNaN(created) && now.getTime() > created + timeoutMs;
}

/**
 * InstallFailed's message: the reason the console lines give, read as the local install step reads them,
 * with the lines from the failure on; else the last lines.
 */
export function installFailedMessage(
  profile: InstallerProfile,
  vmi: ObservedVmi,
  consoleTail: string[] | undefined,
): string {
  const lines = consoleTail ?? [];
  const diagnoser = new FailureDiagnoser(failureSignaturesFor(profile), consoleNoiseFor(profile));
  const diagnosis = diagnoser.diagnose(lines);
  if (diagnosis) {
    const shown = diagnoser.readable(lines.slice(diagnosis.line)).join("\n");
    return `Installer failed: ${diagnosis.reason}; the console showed:\n${shown}`;
  }
  return `The install VM ${vmi.metadata.name} failed${vmiDetail(vmi)}; ${lastLines(lines)}`;
}

export function installTimeoutMessage(
  timeout: string,
  vmi: ObservedVmi | undefined,
  consoleTail: string[] | undefined,
): string {
  const phase = vmi?.status?.phase ? ` (VM phase ${vmi.status.phase})` : " (the VM never started)";
  return (
    `The install ran longer than ${timeout}${phase}, so its VM was deleted; ${lastLines(consoleTail ?? [])}\n` +
    "Raise spec.install.timeout, or check the answer file: an installer waiting for input never powers off"
  );
}

function lastLines(lines: string[]): string {
  if (lines.length === 0)
    return "no console output could be read (virt-launcher container guest-console-log)";
  return `the last console lines were:\n${lines.slice(-20).join("\n")}`;
}

function vmiDetail(vmi: ObservedVmi): string {
  const notes = [
    vmi.status?.reason,
    ...(vmi.status?.conditions ?? [])
      .filter((c) => c.status !== "True" && c.message)
      .map((c) => `${c.type}: ${c.message}`),
  ].filter((note): note is string => Boolean(note));
  return notes.length > 0 ? ` (${notes.join("; ")})` : "";
}
