import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { RecentLines } from "./console-lines.js";
import { readConsoleLines } from "./console-reader.js";
import { headlessArgs, optionValue, serialConsoleArgs } from "./machine-args.js";
import { startQemu, type QemuExit, type QemuProcess } from "./qemu-process.js";
import { watchShutdown } from "./qmp-shutdown.js";

export interface VmRunOptions {
  binary: string;
  /** Machine, firmware, disks and boot arguments; runVm adds the headless, console and QMP settings. */
  args: readonly string[];
  /** Where qemu copies the serial console. */
  consoleLog?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called for each console line as it arrives. */
  onLine?: (line: string) => void;
}

/** Why we killed the VM: its time ran out, the caller's signal aborted, or the caller called stop(). */
export type StopCause = "timeout" | "abort" | "caller";

export interface VmOutcome {
  exit: QemuExit;
  /** qemu's SHUTDOWN reason ("guest-shutdown", "guest-reset", …) when the VM stopped on its own. */
  shutdownReason?: string;
  stoppedBy?: StopCause;
  stderr: string;
  durationMs: number;
  /** The last 40 console lines. */
  lastLines: string[];
}

export interface RunningVm {
  readonly outcome: Promise<VmOutcome>;
  /** Kills the VM now; the outcome then says stoppedBy "caller". */
  stop(): void;
}

const tailLength = 40;
/** qemu sends the SHUTDOWN event just before it exits; wait this long for the socket to deliver it. */
const qmpDrainMs = 1000;

/** Runs a headless qemu until it exits, reading its serial console live; it is killed on timeout or abort. */
export function runVm(options: VmRunOptions): RunningVm {
  let stoppedBy: StopCause | undefined;
  let qemu: QemuProcess | undefined;
  const stop = (cause: StopCause) => {
    stoppedBy ??= cause;
    qemu?.kill();
  };
  const outcome = (async (): Promise<VmOutcome> => {
    const dir = await mkdtemp(path.join(tmpdir(), "rootfs-qemu-"));
    const qmpSocket = path.join(dir, "qmp.sock");
    const tail = new RecentLines(tailLength);
    const started = Date.now();
    const vm = startQemu(options.binary, [
      ...headlessArgs,
      ...serialConsoleArgs(options.consoleLog),
      "-qmp",
      `unix:${optionValue(qmpSocket)},server=on,wait=off`,
      ...options.args,
    ]);
    qemu = vm;
    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const onAbort = () => stop("abort");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (stoppedBy || options.signal?.aborted) stop(stoppedBy ?? "abort");
    try {
      const reading = readConsoleLines(vm.stdout, (line) => {
        tail.add(line);
        options.onLine?.(line);
      });
      const shutdown = await watchShutdown(qmpSocket, vm.exited);
      const exit = await vm.exited;
      await reading;
      await Promise.race([shutdown.closed, sleep(qmpDrainMs, undefined, { ref: false })]);
      shutdown.close();
      return {
        exit,
        shutdownReason: shutdown.reason(),
        stoppedBy,
        stderr: vm.stderrText().trim(),
        durationMs: Date.now() - started,
        lastLines: tail.snapshot(),
      };
    } finally {
      vm.kill();
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return { outcome, stop: () => stop("caller") };
}
