// How long `rootfs operator` takes from process start until /readyz answers 200 (informers synced).
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

export interface StartTimes {
  /** Milliseconds from spawn to the first 200 from /readyz, one per start. */
  readyMs: number[];
  /** User + system CPU of the operator process until then, one per start. */
  cpuMs: number[];
}

export interface StartOptions {
  /** Options for node itself, before the script (e.g. `--import` a loader hook). */
  nodeArgs?: string[];
  /** Added to the environment the operator inherits. */
  env?: NodeJS.ProcessEnv;
}

/** Starts the operator `rounds` times against `kubeconfig`, one after another, stopping each once ready. */
export async function startToReady(
  mainJs: string,
  kubeconfig: string,
  rounds: number,
  options: StartOptions = {},
): Promise<StartTimes> {
  const times: StartTimes = { readyMs: [], cpuMs: [] };
  for (let i = 0; i < rounds; i++) {
    const { readyMs, cpuMs } = await startOnce(mainJs, kubeconfig, options);
    times.readyMs.push(readyMs);
    times.cpuMs.push(cpuMs);
  }
  return times;
}

async function startOnce(
  mainJs: string,
  kubeconfig: string,
  options: StartOptions,
): Promise<{ readyMs: number; cpuMs: number }> {
  const args = [
    "operator",
    "--backend",
    "local",
    "--kubeconfig",
    kubeconfig,
    "--health-address",
    "127.0.0.1:0",
  ];
  const started = performance.now();
  const operator = spawn(process.execPath, [...(options.nodeArgs ?? []), mainJs, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, LOG_LEVEL: "info", ...options.env },
  });
  const exited = new Promise<void>((resolve) => operator.once("exit", () => resolve()));
  try {
    const port = await healthPort(operator.stdout, exited);
    const deadline = started + 60_000;
    for (;;) {
      if ((await readyzStatus(port)) === 200) break;
      if (performance.now() > deadline) throw new Error("the operator was not ready within 60 s");
      await sleep(5);
    }
    const readyMs = performance.now() - started;
    const cpuMs = await processCpuMs(operator.pid ?? 0);
    return { readyMs, cpuMs };
  } finally {
    operator.kill("SIGTERM");
    await exited;
  }
}

/**
 * The port from the "Started serving health probes and metrics" log line (or its earlier wording,
 * "Serving health probes and metrics", so `--operator` can time older builds); later output is drained.
 */
function healthPort(stdout: NodeJS.ReadableStream, exited: Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the operator did not log its health port within 60 s")),
      60_000,
    );
    let text = "";
    let found = false;
    stdout.setEncoding("utf8");
    stdout.on("data", (chunk: string) => {
      if (found) return;
      text += chunk;
      const line = text.split("\n").find((l) => /serving health probes/i.test(l));
      const port = line && /"port":(\d+)/.exec(line)?.[1];
      if (!port) return;
      found = true;
      clearTimeout(timer);
      resolve(Number(port));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error("the operator exited before serving /readyz"));
    });
  });
}

async function readyzStatus(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** utime + stime of a live process, from /proc/<pid>/stat (clock ticks of 10 ms). */
async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
