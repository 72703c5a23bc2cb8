// One-shot commands the harnesses run to completion with their output captured (kubectl, helm).

import { spawn } from "node:child_process";

export interface CapturedRun {
  stdout: string;
  stderr: string;
  /** The exit code; 128 when a signal ended the command. */
  code: number;
  signal: NodeJS.Signals | null;
}

export interface CapturedRunOptions {
  /** Written to the command's stdin. */
  stdin?: string;
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  /** SIGKILL the command after this long (default 120 s). */
  timeoutMs?: number;
}

/** Runs `command` to its end; rejects only when it cannot be started. */
export function runCaptured(
  command: string,
  args: string[],
  opts: CapturedRunOptions = {},
): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...opts.env },
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1), signal }),
    );
    child.stdin.on("error", () => {
      /* the command may exit before reading stdin */
    });
    child.stdin.end(opts.stdin ?? "");
  });
}
