import { randomBytes } from "node:crypto";
import { access, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chooseAccelerator, describeAccelerator } from "../qemu/accelerator.js";
import { qemuBinaryFor } from "../qemu/guest-arch.js";
import { runVm, type RunningVm, type VmOutcome } from "../qemu/run-vm.js";
import { passMarker } from "./check-script.js";
import { SystemdReport, systemdDoneMarker } from "./systemd-check.js";
import { diagnoseLine } from "./console-diagnosis.js";
import { verifyVmArgs } from "./verify-args.js";
import { buildVerifyInitrd } from "./verify-initrd.js";
import { memoryForInitramfs } from "./vm-memory.js";
import type { VerifyRequest, VerifyResult } from "./types.js";

export type { VerifyMode, VerifyRequest, VerifyResult } from "./types.js";

/** After the pass marker the script powers off; a VM still running after this is stopped. */
const poweroffGraceMs = 10_000;

/**
 * Boots the extracted kernel with the rootfs cgz as its initramfs. In shell mode a check script is init,
 * run by the rootfs's own /bin/sh with its own tools, and passes when it prints the marker with this boot's
 * nonce. In systemd mode the rootfs's own /sbin/init boots, and the check passes when multi-user.target is
 * reached with no failed unit. Throws only when the VM cannot be run at all (missing files, qemu not
 * starting).
 */
export async function verifyBoot(req: VerifyRequest): Promise<VerifyResult> {
  await requireFile(req.kernel, "Kernel");
  await requireFile(req.cgz, "Rootfs cgz");
  const mode = req.mode ?? "shell";
  const choice = await chooseAccelerator(req.arch, req.accel ?? "auto");
  req.onMessage?.(describeAccelerator(choice, "Verify"));
  if (req.consoleLog) await mkdir(path.dirname(req.consoleLog), { recursive: true });
  const nonce = randomBytes(8).toString("hex");
  const check = mode === "shell" ? shellCheck(nonce) : systemdCheck(nonce);
  const scratch = await mkdtemp(path.join(tmpdir(), "rootfs-verify-"));
  try {
    const initrd = path.join(scratch, "initrd");
    await buildVerifyInitrd(req.cgz, initrd, mode);
    const memoryBytes = req.memoryBytes ?? (await memoryForInitramfs(req.cgz));
    req.onMessage?.(`Booting ${req.kernel} with ${req.cgz} (${Math.round(memoryBytes / 2 ** 20)} MiB)`);
    let diagnosis: string | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const vm: RunningVm = runVm({
      binary: qemuBinaryFor(req.arch),
      args: verifyVmArgs(
        { arch: req.arch, kernel: req.kernel, initrd, memoryBytes, nonce, mode },
        choice.accel,
      ),
      consoleLog: req.consoleLog,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      onLine: (line) => {
        diagnosis ??= diagnoseLine(line);
        if (check.finished()) return;
        check.accept(line);
        if (check.finished()) graceTimer = setTimeout(() => vm.stop(), poweroffGraceMs);
      },
    });
    const outcome = await vm.outcome;
    clearTimeout(graceTimer);
    if (
      !check.finished() &&
      outcome.lastLines.length === 0 &&
      outcome.exit.code !== 0 &&
      !outcome.stoppedBy
    ) {
      throw new Error(
        `qemu could not boot ${req.kernel}: ${outcome.stderr || `exit status ${String(outcome.exit.code)}`}; ` +
          "check the kernel file and that qemu is installed",
      );
    }
    const verdict = check.finished()
      ? check.verdict()
      : { passed: false, failure: whyNotPassed(outcome, req.timeoutMs, diagnosis) };
    return {
      ...verdict,
      consoleTail: outcome.lastLines.join("\n"),
      accel: choice.accel,
      durationMs: outcome.durationMs,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Reads one check's report from the console; its verdict is known once it finished. */
interface CheckReader {
  accept(line: string): void;
  finished(): boolean;
  verdict(): Pick<VerifyResult, "passed" | "marker" | "failedUnits" | "failure">;
}

function shellCheck(nonce: string): CheckReader {
  const marker = passMarker(nonce);
  let seen = false;
  return {
    accept: (line) => (seen ||= line.includes(marker)),
    finished: () => seen,
    verdict: () => ({ passed: true, marker }),
  };
}

function systemdCheck(nonce: string): CheckReader {
  const report = new SystemdReport(nonce);
  return {
    accept: (line) => report.accept(line),
    finished: () => report.done,
    verdict: () => {
      const failedUnits = report.failedUnits;
      return failedUnits.length === 0
        ? { passed: true, marker: `${systemdDoneMarker} ${nonce} reached`, failedUnits }
        : {
            passed: false,
            failedUnits,
            failure: `multi-user.target was reached, but ${failedUnits.length} unit(s) failed: ${failedUnits.join(", ")}; see the console log (journalctl is not kept)`,
          };
    },
  };
}

function whyNotPassed(outcome: VmOutcome, timeoutMs: number, diagnosis: string | undefined): string {
  if (diagnosis && outcome.stoppedBy !== "abort") return `${diagnosis}; see the console tail`;
  switch (outcome.stoppedBy) {
    case "timeout":
      return `the check did not finish within ${Math.round(timeoutMs / 1000)}s; see the console tail`;
    case "abort":
      return "the verify was aborted";
    case "caller":
    case undefined:
      return "the VM stopped without the rootfs printing the pass marker; see the console tail";
  }
}

async function requireFile(file: string, what: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new Error(`${what} not found: ${file}; pass the directory the extract step wrote`);
  }
}
