// A real S3-compatible server for tests: moto in server mode (test/harness/s3/README.md).

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** Requests the server has answered, in order, as "METHOD /path?query STATUS". */
  requests(): string[];
  stop(): Promise<void>;
  /** SIGKILL, at once: the server goes away mid-request, as in a crash. */
  kill(): void;
}

export interface StartS3ServerOptions {
  /** Listen on this port, e.g. where a killed server was; default: a free one the server picks. */
  port?: number;
  /**
   * Check SigV4 signatures against an IAM user's key (the default). With false, moto accepts any
   * credentials.
   */
  auth?: boolean;
  readyTimeoutMs?: number;
}

const HOST = "127.0.0.1";
const REGION = "us-east-1";
const STOP_GRACE_MS = 5_000;

export async function startS3Server(opts: StartS3ServerOptions = {}): Promise<S3Server> {
  const bin = await motoBinDir();
  const proc = spawnMoto(bin, opts.port ?? 0);
  try {
    const port = await proc.listening(opts.readyTimeoutMs ?? 30_000);
    const endpoint = `http://${HOST}:${port}`;
    const credentials =
      opts.auth === false
        ? { accessKeyId: "test", secretAccessKey: "test" }
        : await enableAuth(bin, endpoint);
    return {
      endpoint,
      ...credentials,
      region: REGION,
      requests: () => [...proc.requests],
      stop: () => proc.stop(),
      kill: () => proc.child.kill("SIGKILL"),
    };
  } catch (err) {
    proc.child.kill("SIGKILL");
    throw err;
  }
}

let binDir: Promise<string> | undefined;

/** Runs test/harness/s3/install.sh once per process (fast when the venv is current). */
function motoBinDir(): Promise<string> {
  binDir ??= run("bash", [path.join(sourceHarnessDir(), "install.sh")]).then((out) => {
    const dir = out.trim().split("\n").at(-1) ?? "";
    if (!existsSync(path.join(dir, "moto_server")))
      throw new Error(`test/harness/s3/install.sh printed no venv bin dir (got "${dir}")`);
    return dir;
  });
  return binDir;
}

/** The scripts stay in the source tree; this file runs from dist/test/harness/. */
function sourceHarnessDir(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "test", "harness", "s3");
    if (existsSync(path.join(candidate, "install.sh"))) return candidate;
    if (path.dirname(dir) === dir) throw new Error("s3 harness: cannot find test/harness/s3/install.sh");
  }
}

/** Creates an IAM user while moto still accepts anything, then makes it check every signature. */
async function enableAuth(bin: string, endpoint: string) {
  const out = await run(path.join(bin, "python"), [
    path.join(sourceHarnessDir(), "create-user.py"),
    endpoint,
  ]);
  const key = JSON.parse(out) as { accessKeyId: string; secretAccessKey: string };
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "0", // requests to let through unchecked from now on
  });
  if (!res.ok) throw new Error(`moto refused to turn auth on: HTTP ${res.status} ${await res.text()}`);
  return key;
}

interface MotoProcess {
  child: ChildProcess;
  requests: string[];
  listening(timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function spawnMoto(bin: string, port: number): MotoProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => live.forEach((child) => child.kill("SIGKILL")));
  }
  const child = spawn(path.join(bin, "moto_server"), ["-H", HOST, "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PYTHONUNBUFFERED: "1" },
  });
  live.add(child);
  const exited = new Promise<string>((resolve) => {
    child.on("error", (err) => resolve(`could not start: ${err.message}`));
    child.on("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with ${code}`));
  }).finally(() => live.delete(child));
  const requests: string[] = [];
  let log = "";
  let boundPort: ((port: number) => void) | undefined;
  const bound = new Promise<number>((resolve) => (boundPort = resolve));
  createInterface({ input: child.stderr }).on("line", (raw) => {
    // werkzeug colours the lines of failed requests, terminal or not.
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    log = `${log}${line}\n`.slice(-16_384);
    const running = /Running on http:\/\/[\d.]+:(\d+)/.exec(line);
    if (running?.[1]) boundPort?.(Number(running[1]));
    const request = /"(\S+ \S+) HTTP\/[\d.]+" (\d{3})/.exec(line);
    if (request) requests.push(`${request[1]} ${request[2]}`);
  });
  return {
    child,
    requests,
    async listening(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const failed = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`moto_server did not start in ${timeoutMs} ms:\n${log}`)),
          timeoutMs,
        );
        void exited.then((how) => reject(new Error(`moto_server ${how} before it listened:\n${log}`)));
      });
      try {
        return await Promise.race([bound, failed]);
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`${cmd} ${args.join(" ")} failed (exit ${code}):\n${stderr}`)),
    );
  });
}
