// Benchmarks the extract step, appliance and all, against reading the disk once (the floor) and the
// compass-ci way, in interleaved rounds (floor, ours, baseline; then again), and prints bench:pack's
// last results beside them: the appliance regime (TCG here) and the KVM-speed regime side by side.
//   npm run bench:extract [-- --rounds 3] [--no-baseline]
// (--no-baseline skips the compass-ci way, the slowest contender, when time is short.)
// Needs root, debootstrap, libguestfs-tools, pigz, cpio, libarchive-tools; builds a ~1.5 GiB disk once.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { applianceEnv } from "./bench-extract/appliance-env.js";
import { benchDisk } from "./bench-extract/bench-disk.js";
import { timed } from "./bench-extract/timed.js";
import { ProcessLog } from "./bench-pack/process-log.js";
import { median, processLines, ratios, ratioText, type Rounds } from "./bench-pack/report.js";

const run = promisify(execFile);
const targets = { time: 1.15, size: 1.01, rssMiB: 300 };
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, "no-baseline": { type: "boolean", default: false } },
});
const roundCount = Number(values.rounds);
const withBaseline = !values["no-baseline"];

const { env, accelerator } = await applianceEnv();
const disk = await benchDisk(env, (line) => console.log(line));
const base = await mkdtemp(path.join(process.env.BENCH_WORK_DIR ?? os.tmpdir(), "bench-extract-"));
const programs = ["guestfish", "bsdtar", "pigz", "tar", "find", "cpio", "gzip"];
const log = await ProcessLog.create(path.join(base, "shims"), programs);
const shimmed = log.env(env);
const work = path.join(base, "work");
const rounds: Rounds = {};
const describe = {
  floor: "floor: guestfish -i tar-out / /dev/null",
  ours: "ours: extract → nfsroot + cgz in one pass",
  baseline: "compass-ci: guestfish tar-out | tar -x, then find | cpio -o -H newc | gzip -9",
};
try {
  console.log(
    `Disk ${disk} (${mib((await stat(disk)).size)} MiB qcow2); appliance on ${accelerator}; ${os.cpus().length} CPUs; ${roundCount} interleaved round(s)`,
  );
  for (let round = 1; round <= roundCount; round++) {
    await mkdir(work, { recursive: true }); // the previous round's last measure leaves it made
    await measure(round, "floor", () =>
      timed("guestfish", ["--ro", "--format=qcow2", "-a", disk, "-i", "tar-out", "/", "/dev/null"], shimmed),
    );
    await measure(round, "ours", async () => {
      const runner = path.join(import.meta.dirname, "bench-extract", "run-ours.js");
      const result = await timed(process.execPath, [runner, disk, path.join(work, "ours")], shimmed);
      const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
        node: { userSeconds: number; systemSeconds: number; maxRssKiB: number };
        result: { cgz: string };
      };
      return { ...result, node: report.node, outputBytes: (await stat(report.result.cgz)).size };
    });
    if (withBaseline)
      await measure(round, "baseline", async () => {
        const tree = path.join(work, "baseline", "rootfs");
        const cgz = path.join(work, "baseline", "baseline.cgz");
        await mkdir(tree, { recursive: true });
        const script =
          'guestfish --ro --format=qcow2 -a "$1" -i tar-out / - | tar -x --numeric-owner -C "$2" && ' +
          'cd "$2" && find . | cpio -o -H newc --quiet | gzip -9 > "$3"';
        const result = await timed("sh", ["-c", script, "sh", disk, tree, cgz], shimmed);
        return { ...result, outputBytes: (await stat(cgz)).size };
      });
  }
  console.log("");
  for (const line of report(rounds)) console.log(line);
  console.log("");
  for (const line of await packResults(disk)) console.log(line);
} finally {
  await rm(base, { recursive: true, force: true });
}

async function measure(
  round: number,
  name: string,
  runOne: () => Promise<{
    seconds: number;
    cpuSeconds: number;
    node?: Rounds[string][number]["node"];
    outputBytes?: number;
  }>,
): Promise<void> {
  await settle(disk);
  const load = os.loadavg();
  const m = await runOne();
  const processes = await log.take();
  (rounds[name] ??= []).push({ ...m, processes, load });
  console.log(
    `round ${round} ${name.padEnd(8)} ${m.seconds.toFixed(1).padStart(7)} s, CPU ${m.cpuSeconds.toFixed(1).padStart(7)} s; load average ${load.map((l) => l.toFixed(2)).join(" ")}`,
  );
  await rm(work, { recursive: true, force: true }).then(() => mkdir(work));
}

function report(all: Rounds): string[] {
  const ours = ratios(all, "ours", "floor");
  const baseline = ratios(all, "baseline", "floor");
  const size = (name: string) => median((all[name] ?? []).map((m) => m.outputBytes ?? NaN));
  const sizeRatio = size("ours") / size("baseline");
  const rss = Math.max(...(all.ours ?? []).map((m) => (m.node?.maxRssKiB ?? 0) / 1024));
  const seconds = (name: string) => median((all[name] ?? []).map((m) => m.seconds)).toFixed(1);
  const loads = Object.values(all).flatMap((r) => r.map((m) => m.load[0] ?? 0));
  return [
    `Appliance regime (${accelerator}); 1-min load average during the runs ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
    `floor     median ${seconds("floor")} s`,
    `ours      median ${seconds("ours")} s = ${ratioText(ours)} floor (target ≤ ${targets.time})  ${verdict(median(ours) <= targets.time)}`,
    ...(all.baseline
      ? [
          `baseline  median ${seconds("baseline")} s = ${ratioText(baseline)} floor`,
          `cgz size  ours ${mib(size("ours"))} MiB ÷ gzip -9 ${mib(size("baseline"))} MiB = ${sizeRatio.toFixed(4)} (target ≤ ${targets.size})  ${verdict(sizeRatio <= targets.size)}`,
        ]
      : [`baseline  not run (--no-baseline): no gzip -9 cgz to compare sizes with`]),
    `peak RSS  our Node process ${rss.toFixed(0)} MiB (target ≤ ${targets.rssMiB})  ${verdict(rss <= targets.rssMiB)}`,
    ...processLines(all, ["floor", "ours", "baseline"], describe),
  ];
}

/** bench:pack's last report (same disk), or how to get one. */
async function packResults(diskPath: string): Promise<string[]> {
  const file = path.join(path.dirname(diskPath), "pack-results.json");
  try {
    const saved = JSON.parse(await readFile(file, "utf8")) as { date: string; report: string[] };
    return [`KVM-speed regime (npm run bench:pack, ${saved.date}):`, ...saved.report];
  } catch {
    return [`KVM-speed regime: no ${file} yet; run npm run bench:pack for it`];
  }
}

/** Same starting point for every contender: the disk image in the page cache, dirty pages written. */
async function settle(file: string): Promise<void> {
  await run("sh", ["-c", 'sync && cat "$1" > /dev/null', "sh", file]);
}

function mib(bytes: number): string {
  return (bytes / 1024 ** 2).toFixed(1);
}

function verdict(ok: boolean): string {
  return ok ? "OK" : "MISSED";
}
