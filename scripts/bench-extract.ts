// Benchmarks the extract step against the compass-ci way and against reading the disk once.
//   npm run bench:extract   (= npm run build && node dist/scripts/bench-extract.js)
// Needs root, debootstrap, libguestfs-tools, pigz, cpio, libarchive-tools; builds a ~1.5 GiB disk once.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { applianceEnv } from "./bench-extract/appliance-env.js";
import { benchDisk } from "./bench-extract/bench-disk.js";
import { timed } from "./bench-extract/timed.js";

const run = promisify(execFile);
const targets = { time: 1.15, size: 1.01, rssMiB: 300 };

const { env, accelerator } = await applianceEnv();
const disk = await benchDisk(env, (line) => console.log(line));
const work = await mkdtemp(path.join(process.env.BENCH_WORK_DIR ?? os.tmpdir(), "bench-extract-"));
try {
  console.log(
    `Disk ${disk} (${mib((await stat(disk)).size)} MiB qcow2); appliance on ${accelerator}; ${os.cpus().length} CPUs`,
  );
  await settle(disk);

  console.log("(3) floor: guestfish -i tar-out / /dev/null");
  const floor = await timed(
    "guestfish",
    ["--ro", "--format=qcow2", "-a", disk, "-i", "tar-out", "/", "/dev/null"],
    env,
  );
  await settle(disk);

  console.log("(1) ours: extract → nfsroot + cgz in one pass");
  const oursDir = path.join(work, "ours");
  const runner = path.join(import.meta.dirname, "bench-extract", "run-ours.js");
  const ours = await timed(process.execPath, [runner, disk, oursDir], env);
  const oursReport = JSON.parse(ours.stdout.trim().split("\n").at(-1) ?? "{}") as {
    nodeMaxRssKiB: number;
    result: { cgz: string; files: number; bytes: number };
  };
  const oursCgz = (await stat(oursReport.result.cgz)).size;
  await rm(path.join(oursDir, "rootfs"), { recursive: true, force: true });
  await settle(disk);

  console.log("(2) baseline: guestfish -i tar-out / - | tar -x, then find | cpio -o -H newc | gzip -9");
  const tree = path.join(work, "baseline", "rootfs");
  await mkdir(tree, { recursive: true });
  const unpack = await timed(
    "sh",
    [
      "-c",
      'guestfish --ro --format=qcow2 -a "$1" -i tar-out / - | tar -x --numeric-owner -C "$2"',
      "sh",
      disk,
      tree,
    ],
    env,
  );
  const baselineCgz = path.join(work, "baseline", "baseline.cgz");
  const pack = await timed(
    "sh",
    ["-c", 'cd "$1" && find . | cpio -o -H newc --quiet | gzip -9 > "$2"', "sh", tree, baselineCgz],
    env,
  );
  const baselineSize = (await stat(baselineCgz)).size;
  const baselineSeconds = unpack.seconds + pack.seconds;

  const timeRatio = ours.seconds / floor.seconds;
  const sizeRatio = oursCgz / baselineSize;
  const rss = oursReport.nodeMaxRssKiB / 1024;
  console.log("");
  console.log(
    `Streamed: ${oursReport.result.files} entries, ${mib(oursReport.result.bytes)} MiB of file data`,
  );
  console.log(`(3) floor     ${floor.seconds.toFixed(1)} s`);
  console.log(
    `(1) ours      ${ours.seconds.toFixed(1)} s   = ${timeRatio.toFixed(3)} × floor (target ≤ ${targets.time})  ${verdict(timeRatio <= targets.time)}`,
  );
  console.log(
    `(2) baseline  ${baselineSeconds.toFixed(1)} s   (unpack ${unpack.seconds.toFixed(1)} s + cpio|gzip -9 ${pack.seconds.toFixed(1)} s) = ${(baselineSeconds / floor.seconds).toFixed(2)} × floor`,
  );
  console.log(
    `cgz size      ours ${mib(oursCgz)} MiB, baseline ${mib(baselineSize)} MiB = ${sizeRatio.toFixed(4)} × (target ≤ ${targets.size})  ${verdict(sizeRatio <= targets.size)}`,
  );
  console.log(
    `peak RSS      our Node process ${rss.toFixed(0)} MiB (target ≤ ${targets.rssMiB})  ${verdict(rss <= targets.rssMiB)}; largest process of ours (qemu) ${(ours.largestProcessKiB / 1024).toFixed(0)} MiB`,
  );
} finally {
  await run("rm", ["-rf", work]);
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
