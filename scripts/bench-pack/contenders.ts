// What bench:pack runs, each on the same recorded tar stream read from the page cache.
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { timed } from "../bench-extract/timed.js";
import type { ProcessLog, ProcessUsage } from "./process-log.js";

export interface Measurement {
  seconds: number;
  /** CPU of the whole process tree. */
  cpuSeconds: number;
  processes: ProcessUsage[];
  /** Our Node process, for our fan-out. */
  node?: { userSeconds: number; systemSeconds: number; maxRssKiB: number };
  /** Size of the contender's (main) compressed output. */
  outputBytes?: number;
  /** CPU time to decompress the cgz to /dev/null (gzip -dc, zstd -dc): what unpacking it costs at boot. */
  decompressCpuSeconds?: number;
}

export interface Contender {
  name: string;
  describe: string;
  run(): Promise<Measurement>;
}

export interface PackInput {
  tar: string;
  links: string;
  work: string;
  log: ProcessLog;
}

type FanOut = { nfsroot: boolean; cgz: "gzip" | "zstd" | "off"; tarball: "gzip" | "zstd" | "off" };

export function contenders(input: PackInput): Contender[] {
  const shell = (name: string, describe: string, script: string, output?: string): Contender => ({
    name,
    describe,
    run: () => measureShell(input, script, output),
  });
  const out = (name: string) => path.join(input.work, name);
  return [
    shell("floor", "cat tar > /dev/null", 'cat "$1" > /dev/null'),
    shell("pigz-6", "pigz -6 alone", `pigz -6 -c < "$1" > "${out("tar.gz")}"`, out("tar.gz")),
    shell("zstd-3", "zstd -3 -T0 alone", `zstd -q -3 -T0 -c < "$1" > "${out("tar.zst")}"`, out("tar.zst")),
    fanOut(input, "ours-full", "ours: nfsroot + cgz + tarball (gzip)", {
      nfsroot: true,
      cgz: "gzip",
      tarball: "gzip",
    }),
    fanOut(input, "ours-nfsroot-cgz", "ours: nfsroot + cgz", { nfsroot: true, cgz: "gzip", tarball: "off" }),
    fanOut(input, "ours-cgz", "ours: cgz alone", { nfsroot: false, cgz: "gzip", tarball: "off" }),
    fanOut(input, "ours-cgz-zstd", "ours: cgz alone, compression zstd", {
      nfsroot: false,
      cgz: "zstd",
      tarball: "off",
    }),
    shell(
      "compass-ci",
      "compass-ci: tar -x, then find | cpio -o -H newc | gzip -9",
      `mkdir -p "${out("tree")}" && tar -x --numeric-owner -C "${out("tree")}" -f "$1" && ` +
        `cd "${out("tree")}" && find . | cpio -o -H newc --quiet | gzip -9 > "${out("compass.cgz")}"`,
      out("compass.cgz"),
    ),
  ];
}

function fanOut(input: PackInput, name: string, describe: string, shape: FanOut): Contender {
  return {
    name,
    describe,
    async run() {
      const dir = path.join(input.work, name);
      await mkdir(dir);
      const runner = path.join(import.meta.dirname, "run-fan-out.js");
      const args = [runner, input.tar, input.links, dir, shape.nfsroot ? "1" : "0", shape.cgz, shape.tarball];
      const result = await timed(process.execPath, args, input.log.env());
      const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as {
        paths: { cgz?: string };
        node: Measurement["node"];
      };
      const processes = await input.log.take();
      const cgz = report.paths.cgz;
      const decompress = cgz && !shape.nfsroot ? await decompressCpu(cgz, shape.cgz, input) : undefined;
      return {
        seconds: result.seconds,
        cpuSeconds: result.cpuSeconds,
        processes,
        ...(report.node && { node: report.node }),
        ...(cgz && { outputBytes: (await stat(cgz)).size }),
        ...(decompress !== undefined && { decompressCpuSeconds: decompress }),
      };
    },
  };
}

async function decompressCpu(file: string, compression: FanOut["cgz"], input: PackInput): Promise<number> {
  const tool = compression === "zstd" ? "zstd -q" : "gzip";
  const result = await timed("sh", ["-c", `${tool} -dc < "$1" > /dev/null`, "sh", file], input.log.env());
  await input.log.take();
  return result.cpuSeconds;
}

async function measureShell(
  input: PackInput,
  script: string,
  output: string | undefined,
): Promise<Measurement> {
  const result = await timed("sh", ["-c", script, "sh", input.tar], input.log.env());
  return {
    seconds: result.seconds,
    cpuSeconds: result.cpuSeconds,
    processes: await input.log.take(),
    ...(output && { outputBytes: (await stat(output)).size }),
  };
}

/** Removes what a contender wrote. */
export async function clearOutputs(work: string): Promise<void> {
  for (const name of await readdir(work)) await rm(path.join(work, name), { recursive: true, force: true });
}
