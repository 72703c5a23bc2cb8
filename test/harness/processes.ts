// Daemons the harnesses start (etcd, kube-apiserver; the real cluster's kubelet, containerd, …): each a
// child of the test process with its output in a log file, stopped by PID (SIGTERM, then SIGKILL after a
// grace period), and killed when the test process exits without stopping them (crash, test-runner
// timeout, Ctrl-C). Plus the small helpers readiness checks need.

import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";

const live = new Set<ChildProcess>();
const exitHooks: (() => void)[] = [];

function killAllSync(): void {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
  live.clear();
  for (const hook of exitHooks.splice(0)) hook();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  process.removeListener("SIGINT", onSignal);
  process.removeListener("SIGTERM", onSignal);
  process.kill(process.pid, signal);
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllSync);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** Runs `hook` (synchronously) when the test process exits or is interrupted, after killing the daemons. */
export function onExitSync(hook: () => void): () => void {
  installExitHooks();
  exitHooks.push(hook);
  return () => {
    const index = exitHooks.indexOf(hook);
    if (index >= 0) exitHooks.splice(index, 1);
  };
}

export interface Proc {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exitInfo?: string;
}

export function startProc(
  name: string,
  bin: string,
  args: string[],
  logFile: string,
  cwd: string,
  env?: NodeJS.ProcessEnv,
): Proc {
  installExitHooks();
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ["ignore", fd, fd], ...(env && { env }) });
  } finally {
    closeSync(fd);
  }
  live.add(child);
  const proc: Proc = {
    name,
    child,
    logFile,
    exited: new Promise<void>((resolve) => {
      child.on("error", (err) => {
        proc.exitInfo = `spawn error: ${err.message}`;
        live.delete(child);
        resolve();
      });
      child.on("exit", (code, signal) => {
        proc.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
        live.delete(child);
        resolve();
      });
    }),
  };
  return proc;
}

/** SIGTERM, then SIGKILL once `graceMs` passed without the process exiting. */
export async function stopProc(proc: Proc, graceMs = 5_000): Promise<void> {
  if (proc.exitInfo !== undefined) return;
  proc.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    proc.exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    proc.child.kill("SIGKILL");
    await proc.exited;
  }
}

/**
 * Whether a process that is not our child (a daemon's daemon) still runs: by its state in /proc, since a
 * zombie the host's init has not reaped yet still answers `kill -0`.
 */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export function tail(text: string, lines: number): string {
  return text.split("\n").slice(-lines).join("\n");
}

export async function fileTail(file: string, lines = 40, bytes = 16_384): Promise<string> {
  try {
    const fh = await open(file, "r");
    try {
      const { size } = await fh.stat();
      const start = Math.max(0, size - bytes);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      return tail(buf.toString("utf8").trimEnd(), lines);
    } finally {
      await fh.close();
    }
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

export async function distinctFreePorts(n: number, host = "127.0.0.1"): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort(host));
  return [...ports];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface HttpResult {
  status: number;
  body: string;
}

export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    // Readiness probes only: serving certificates are self-signed at startup.
    const req = mod.get(u, { headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/**
 * Runs a bash script that prints a directory (or any result) on its last stdout line, and returns that
 * line; its progress (stderr) is echoed to ours with echoStderr, else quoted when it fails.
 */
export function lastLineOf(
  script: string,
  args: string[] = [],
  opts: { echoStderr?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").at(-1)?.trim() ?? "";
      if (code === 0 && last !== "") resolve(last);
      else reject(new Error(`${path.basename(script)} failed (exit ${code}):\n${tail(stderr, 40)}`));
    });
  });
}

/**
 * Polls until `check` returns true, `proc` exits, or the deadline passes.
 * Returns undefined on success, else a reason.
 */
export async function waitFor(
  proc: Proc,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (proc.exitInfo !== undefined) return `${proc.name} exited early (${proc.exitInfo})`;
    try {
      if (await check()) return undefined;
      last = "not ready yet";
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(200);
  }
  return `${proc.name} not ready after ${timeoutMs} ms (last probe: ${last})`;
}
