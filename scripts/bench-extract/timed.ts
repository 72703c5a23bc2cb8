import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Timed {
  seconds: number;
  /** Peak RSS of the largest single process in the command's tree (GNU time's %M), KiB. */
  largestProcessKiB: number;
  /** User + system CPU of the command and every descendant it waited for. */
  cpuSeconds: number;
  stdout: string;
}

/** Runs a command under /usr/bin/time: its wall time, CPU time and the largest process's peak RSS. */
export async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-time-"));
  try {
    const report = path.join(dir, "time");
    const started = performance.now();
    const { stdout } = await run("/usr/bin/time", ["-f", "%M %U %S", "-o", report, command, ...args], {
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const seconds = (performance.now() - started) / 1000;
    const last = (await readFile(report, "utf8")).trim().split("\n").at(-1) ?? "";
    const [rss = 0, user = 0, system = 0] = last.split(" ").map(Number);
    return { seconds, largestProcessKiB: rss, cpuSeconds: user + system, stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
