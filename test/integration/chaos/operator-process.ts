// `rootfs operator` as its own OS process, the way a Deployment runs it: spawned from the built CLI,
// its JSON log read line by line, its /metrics scraped, killed the way a node failure kills it (SIGKILL)
// or stopped the way a rollout stops it (SIGTERM).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { repoRoot } from "../../helpers/paths.js";

export interface OperatorProcessOptions {
  /** Shown in failures and used for the log file's name. */
  name: string;
  kubeconfig: string;
  /** An operator.yaml. */
  config: string;
  /** --leader-elect with these flag values (e.g. { leaseDuration: "5s", … }). */
  leaderElect?: { leaseDuration: string; renewDeadline: string; retryPeriod: string };
  /** Where to keep <name>.log (both streams); nothing is kept without it. */
  logDir?: string;
}

/** One pino line: level, time, msg and the logger's keys. */
export interface LogLine {
  level: string;
  time: string;
  msg: string;
  [key: string]: unknown;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

interface Waiter {
  match: (line: LogLine) => boolean;
  resolve: (line: LogLine) => void;
}

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
const running = new Set<OperatorProcess>();

// A failed test must not leave operators behind to act on the next test's apiserver.
process.once("exit", () => {
  for (const p of running) p.child.kill("SIGKILL");
});

export class OperatorProcess {
  readonly lines: LogLine[] = [];
  /** Lines that were not JSON (a crash's stack trace, Node's warnings). */
  readonly otherOutput: string[] = [];
  readonly exited: Promise<Exit>;
  readonly spawnedAt = Date.now();
  /** When the first signal was sent (Date.now()). */
  signalledAt: number | undefined;
  private readonly waiters = new Set<Waiter>();
  private exit: Exit | undefined;
  private readonly logFile: WriteStream | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    logDir: string | undefined,
  ) {
    this.logFile = logDir ? createWriteStream(path.join(logDir, `${name}.log`)) : undefined;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on("line", (text) => this.onLine(text));
    }
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        running.delete(this);
        this.logFile?.end();
        resolve(this.exit);
      }),
    );
    running.add(this);
  }

  static spawn(opts: OperatorProcessOptions): OperatorProcess {
    const args = [
      cli,
      "operator",
      "--backend=kubevirt",
      `--kubeconfig=${opts.kubeconfig}`,
      `--config=${opts.config}`,
      // Port 0: the process logs the port it bound (see healthPort()), so parallel runs never clash.
      "--health-address=127.0.0.1:0",
      "--workers=4",
      ...(opts.leaderElect
        ? [
            "--leader-elect",
            `--leader-elect-lease-duration=${opts.leaderElect.leaseDuration}`,
            `--leader-elect-renew-deadline=${opts.leaderElect.renewDeadline}`,
            `--leader-elect-retry-period=${opts.leaderElect.retryPeriod}`,
          ]
        : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new OperatorProcess(opts.name, child, opts.logDir);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The first line (already logged or still to come) that `match` accepts; rejects on exit or timeout. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const logged = this.lines.find(match);
    if (logged) return Promise.resolve(logged);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (line) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(line);
        },
      };
      const fail = (why: string) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: ${why} waiting for a log line; last lines:\n${this.tail()}`));
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.waiters.add(waiter);
      void this.exited.then((exit) => {
        if (this.waiters.has(waiter)) fail(`exited (${exit.signal ?? exit.code})`);
      });
    });
  }

  /** Resolves once caches are synced (controllers start right after, or campaigning does). */
  async ready(timeoutMs = 30_000): Promise<void> {
    await this.waitForLog((l) => l.msg === "Caches synced", timeoutMs);
  }

  /** The port of /metrics, /healthz and /readyz, as the process logged it. */
  async healthPort(): Promise<number> {
    const line = await this.waitForLog((l) => l.msg === "Started serving health probes and metrics");
    return line.port as number;
  }

  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${await this.healthPort()}/metrics`);
    return res.text();
  }

  /**
   * Sends `signal` the moment a log line matching `match` is read, from the reading loop itself, so the
   * process gets as little further as the pipe allows. Resolves with that line.
   */
  killOn(match: (line: LogLine) => boolean, signal: NodeJS.Signals = "SIGKILL"): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (line) => {
          this.waiters.delete(waiter);
          this.signal(signal);
          resolve(line);
        },
      };
      this.waiters.add(waiter);
      void this.exited.then(() => {
        if (this.waiters.delete(waiter)) reject(new Error(`${this.name} exited before the line`));
      });
    });
  }

  /** Sends `signal` and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<Exit> {
    if (!this.exit) this.signal(signal);
    return this.exited;
  }

  /** Sends `signal` without waiting. */
  signal(signal: NodeJS.Signals): void {
    this.signalledAt ??= Date.now();
    this.child.kill(signal);
  }

  /** The last log lines, for failure messages. */
  tail(n = 25): string {
    return [...this.lines.slice(-n).map((l) => JSON.stringify(l)), ...this.otherOutput.slice(-10)].join("\n");
  }

  private onLine(text: string): void {
    this.logFile?.write(`${text}\n`);
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      this.otherOutput.push(text);
      return;
    }
    if (typeof line.msg !== "string") {
      this.otherOutput.push(text);
      return;
    }
    this.lines.push(line);
    for (const waiter of [...this.waiters]) if (waiter.match(line)) waiter.resolve(line);
  }
}

/** Every operator process still running, SIGKILLed (for after() hooks). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.kill("SIGKILL")));
}

/** The value of a Prometheus sample, summed over the series whose labels include `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = new Map(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => series.get(k) === v)) sum += Number(match[3]);
  }
  return sum;
}
