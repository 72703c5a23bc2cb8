import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { Readable, Writable } from "node:stream";

export interface QemuExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running qemu in its own process group, which `kill()` and our own exit take down whole. */
export interface QemuProcess {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Settles once qemu has exited and its output streams are closed. */
  readonly exited: Promise<QemuExit>;
  /** The last 64 KiB qemu wrote to stderr (or why it could not be started). */
  stderrText(): string;
  kill(): void;
}

const maxStderr = 64 * 1024;
const running = new Set<QemuProcess>();
let exitHookInstalled = false;

// setpriv makes the kernel SIGKILL qemu when this process dies, even by SIGKILL, where no exit hook runs.
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((candidate) => existsSync(candidate));

export function startQemu(binary: string, args: readonly string[]): QemuProcess {
  const [command, argv] = setpriv
    ? [setpriv, ["--pdeathsig", "KILL", "--", binary, ...args]]
    : [binary, [...args]];
  const child = spawn(command, argv, { detached: true, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr = (stderr + text).slice(-maxStderr);
  });
  // qemu never reads our stdin; ignore EPIPE if it exits while we hold the pipe.
  child.stdin.on("error", () => undefined);

  const exited = new Promise<QemuExit>((resolve) => {
    child.on("error", (err) => {
      stderr += `cannot start ${binary}: ${err.message}`;
      resolve({ code: null, signal: null });
    });
    child.on("close", (code, signal) => resolve({ code, signal }));
  });

  const handle: QemuProcess = {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    stderrText: () => stderr,
    // Once qemu is reaped its pid may be reused, so a finished qemu is never signalled.
    kill: () => {
      if (!hasExited) killGroup(child.pid);
    },
  };
  let hasExited = false;
  running.add(handle);
  void exited.then(() => {
    hasExited = true;
    running.delete(handle);
  });
  installExitHook();
  return handle;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const qemu of running) qemu.kill();
  });
}
