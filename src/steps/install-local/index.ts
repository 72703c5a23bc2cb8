import { access, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ProgressListener } from "../../plan/progress.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { chooseAccelerator, describeAccelerator } from "../qemu/accelerator.js";
import { qemuBinaryFor } from "../qemu/guest-arch.js";
import { runVm, type RunningVm } from "../qemu/run-vm.js";
import { aarch64UefiArgs } from "../qemu/uefi-firmware.js";
import { createBlankDisk } from "./blank-disk.js";
import { InstallConsoleWatcher } from "./console-watcher.js";
import { installVmArgs } from "./install-args.js";
import { formatDuration, installError } from "./install-error.js";
import type { LocalInstallRequest, LocalInstallResult } from "./types.js";

export type { InstallMonitor, LocalInstallRequest, LocalInstallResult } from "./types.js";

/** After a failure signature, the VM runs this much longer so the lines after it (the exception) arrive. */
const failureContextGraceMs = 2000;

/**
 * Installs onto a new blank disk by booting the unattended installer ISO in a local qemu VM, watching its
 * serial console live. Succeeds when the installer powers the VM off; throws StepFailure "InstallFailed"
 * (a failure signature, a reboot, qemu not starting) or "InstallTimeout".
 */
export async function installLocal(req: LocalInstallRequest): Promise<LocalInstallResult> {
  const say = messenger(req.onProgress);
  await requireFile(req.iso, "Installer ISO", "check the remaster step's output");
  if (req.sideVolume) {
    await requireFile(req.sideVolume, "Answer-file volume", "check the remaster step's output");
  }
  const watcher = new InstallConsoleWatcher(req.monitor);
  const choice = await chooseAccelerator(req.arch, req.accel ?? "auto");
  say(describeAccelerator(choice, "Install"));
  await createBlankDisk(req.disk, req.diskFormat, req.diskSizeBytes);
  await mkdir(path.dirname(req.consoleLog), { recursive: true });

  const scratch = await mkdtemp(path.join(tmpdir(), "rootfs-install-"));
  try {
    const uefi = req.arch === "aarch64" ? await aarch64UefiArgs(path.join(scratch, "efivars.fd")) : [];
    let failureTimer: NodeJS.Timeout | undefined;
    const vm: RunningVm = runVm({
      binary: qemuBinaryFor(req.arch),
      args: installVmArgs(req, choice.accel, uefi),
      consoleLog: req.consoleLog,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
      onLine: (line) => {
        req.onConsoleLine?.(line);
        const meaning = watcher.accept(line);
        if (meaning?.kind === "progress") say(meaning.text, meaning.percent);
        if (meaning?.kind === "failure") {
          say(`Installer failed: ${meaning.reason}; stopping the VM`);
          failureTimer = setTimeout(() => vm.stop(), failureContextGraceMs);
        }
        if (watcher.failureContextComplete) vm.stop();
      },
    });
    say(`Started the install VM (${req.cpus} CPUs, ${Math.round(req.memoryBytes / 2 ** 20)} MiB)`);
    const outcome = await vm.outcome;
    clearTimeout(failureTimer);
    const error = installError({
      vm: outcome,
      failure: watcher.failure,
      expectsSuccessMarker: req.monitor.successMarker !== undefined,
      sawSuccessMarker: watcher.sawSuccessMarker,
      timeoutMs: req.timeoutMs,
      consoleLog: req.consoleLog,
    });
    if (error) throw error;
    say(`Install finished in ${formatDuration(outcome.durationMs)}`, 100);
    return { accel: choice.accel, durationMs: outcome.durationMs, consoleLog: req.consoleLog };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function messenger(listener: ProgressListener | undefined) {
  return (text: string, percent?: number) =>
    listener?.(
      percent === undefined
        ? { step: "install", kind: "message", text }
        : { step: "install", kind: "message", text, percent },
    );
}

async function requireFile(file: string, what: string, hint: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new StepFailure("InstallFailed", `${what} not found: ${file}; ${hint}`);
  }
}
