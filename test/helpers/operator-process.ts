// `rootfs operator --backend local` as a child process, the way a user starts it, with its JSON log
// lines kept in memory and copied to a file.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import path from "node:path";
import { installCrds, startControlPlane, type ControlPlane } from "../harness/control-plane.js";
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
  /** The operator's process id (its /proc/<pid>/status tells its memory). */
  pid: number;
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
    pid: child.pid ?? 0,
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

export interface LocalOperatorEnv {
  cp: ControlPlane;
  operator: OperatorProcess;
  /** Stops the operator and the control plane, and removes `work` (unless KEEP_E2E_WORK is set). */
  stop(): Promise<void>;
}

/**
 * A control plane with the CRDs and the operator's namespace, and the operator on it with its storage
 * (<work>/storage), a cache of its own (<work>/cache: nothing reused from earlier runs) and its log
 * (<work>/operator.log).
 */
export async function startLocalOperatorEnv(
  work: string,
  opts: Pick<OperatorProcessOptions, "accel" | "config"> = {},
): Promise<LocalOperatorEnv> {
  const cp = await startControlPlane();
  await installCrds(cp, [path.join(repoRoot, "crds")]);
  await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
  const operator = await startOperatorProcess({
    kubeconfig: cp.kubeconfigPath,
    storageDir: path.join(work, "storage"),
    cacheDir: path.join(work, "cache"),
    logFile: path.join(work, "operator.log"),
    ...opts,
  });
  return {
    cp,
    operator,
    async stop() {
      await operator.stop();
      await cp.stop();
      if (process.env.KEEP_E2E_WORK) console.log(`Kept ${work}`);
      else await rm(work, { recursive: true, force: true });
    },
  };
}
