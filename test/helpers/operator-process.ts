// `rootfs operator --backend local` as a child process, the way a user starts it, with its JSON log
// lines kept in memory and copied to a file.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import path from "node:path";
import { repoRoot } from "./paths.js";

export interface OperatorProcessOptions {
  kubeconfig: string;
  storageDir: string;
  cacheDir: string;
  /** Where stdout and stderr go, as they come. */
  logFile: string;
  accel?: string;
  /** The operator configuration; default examples/operator/local.yaml (plain http on loopback allowed). */
  config?: string;
}

export interface OperatorProcess {
  /** The command line, as a user would type it. */
  command: string;
  /** Parsed JSON log lines so far (pino: level, time, msg, plus the logger's keys). */
  logs(): Record<string, unknown>[];
  /** Log lines whose msg is `msg`. */
  logged(msg: string): Record<string, unknown>[];
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code (or signal name). */
  stop(): Promise<number | string>;
}

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");

/** Starts the operator and resolves once it has logged "Operator started" (or rejects if it exits first). */
export async function startOperatorProcess(opts: OperatorProcessOptions): Promise<OperatorProcess> {
  const args = [
    "operator",
    "--backend",
    "local",
    "--kubeconfig",
    opts.kubeconfig,
    "--config",
    opts.config ?? path.join(repoRoot, "examples", "operator", "local.yaml"),
    "--storage-dir",
    opts.storageDir,
    "--cache",
    opts.cacheDir,
    "--accel",
    opts.accel ?? "auto",
    "--health-address",
    "127.0.0.1:0",
  ];
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const file = createWriteStream(opts.logFile, { flags: "a" });
  const lines: Record<string, unknown>[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => {
      process.removeListener("exit", killOnExit);
      resolve(code ?? signal ?? "unknown");
    }),
  );
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(file, { end: false });
    createInterface({ input: stream }).on("line", (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === "Operator started") onStarted();
      } catch {
        // Not a log line (a crash's stack trace): the file has it.
      }
    });
  }
  const early = await Promise.race([started.then(() => undefined), exited]);
  if (early !== undefined) {
    file.end();
    throw new Error(`rootfs operator exited (${early}) before it started; see ${opts.logFile}`);
  }
  return {
    command: `rootfs ${args.join(" ")}`,
    logs: () => [...lines],
    logged: (msg) => lines.filter((l) => l.msg === msg),
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const result = await exited;
      clearTimeout(timer);
      file.end();
      return result;
    },
  };
}
