// Benchmarks the extract step's fan-out (tar reader, post-processing, bsdtar → nfsroot, newc → pigz/zstd,
// tarball) with a source faster than any KVM appliance: the bench disk's tar stream, recorded once and
// replayed from the page cache. Compares with the compression alone (pigz -6, zstd -3) and the
// compass-ci way (unpack, then find | cpio | gzip -9), in interleaved rounds.
//   npm run bench:pack [-- --rounds 3] [--only ours-cgz,pigz-6]
// Needs root the first time (bench:extract's disk), libguestfs-tools, pigz, zstd, libarchive-tools, cpio.
// The results also go to <cache>/bench/pack-results.json, which bench:extract prints beside its own.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { applianceEnv } from "./bench-extract/appliance-env.js";
import { benchDisk } from "./bench-extract/bench-disk.js";
import { clearOutputs, contenders } from "./bench-pack/contenders.js";
import { packPrograms, ProcessLog } from "./bench-pack/process-log.js";
import { recordedTar } from "./bench-pack/recorded-tar.js";
import { packReport, type Rounds } from "./bench-pack/report.js";

const run = promisify(execFile);
const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, only: { type: "string" } },
});
const roundCount = Number(values.rounds);
const only = values.only?.split(",");

const { env } = await applianceEnv();
const disk = await benchDisk(env, (line) => console.log(line));
const recorded = await recordedTar(disk, env, (line) => console.log(line));
const base = await mkdtemp(path.join(process.env.BENCH_WORK_DIR ?? os.tmpdir(), "bench-pack-"));
try {
  const log = await ProcessLog.create(path.join(base, "shims"), packPrograms);
  const work = path.join(base, "work");
  await mkdir(work);
  const list = contenders({ tar: recorded.tar, links: recorded.links, work, log }).filter(
    (c) => !only || only.includes(c.name) || c.name === "pigz-6",
  );
  console.log(
    `Tar ${recorded.tar} (${(recorded.bytes / 1024 ** 2).toFixed(0)} MiB); ${os.cpus().length} CPUs`,
  );
  const rounds: Rounds = {};
  for (let round = 1; round <= roundCount; round++) {
    for (const contender of list) {
      await settle(recorded.tar);
      const load = os.loadavg();
      const m = await contender.run();
      (rounds[contender.name] ??= []).push({ ...m, load });
      console.log(
        `round ${round} ${contender.name.padEnd(17)} ${m.seconds.toFixed(1).padStart(6)} s, CPU ${m.cpuSeconds.toFixed(1).padStart(6)} s; load average ${load.map((l) => l.toFixed(2)).join(" ")}`,
      );
      await clearOutputs(work);
    }
  }
  const describe = Object.fromEntries(list.map((c) => [c.name, c.describe]));
  const report = packReport(rounds, recorded.bytes, describe);
  console.log(`\n${report.join("\n")}`);
  const resultsFile = path.join(path.dirname(disk), "pack-results.json");
  await writeFile(resultsFile, JSON.stringify({ date: new Date().toISOString(), report, rounds }, null, 1));
  console.log(`\nSaved to ${resultsFile}`);
} finally {
  await rm(base, { recursive: true, force: true });
}

/** Every contender starts with the tar in the page cache and no dirty pages from the one before. */
async function settle(file: string): Promise<void> {
  await run("sh", ["-c", 'sync && cat "$1" > /dev/null', "sh", file]);
}
