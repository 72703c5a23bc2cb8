import { homedir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "../../api/quantity.js";
import { runLocalBuild } from "../../pipeline/local-build.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { readBuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";
import { ProgressPrinter } from "../progress-printer.js";

export const defaultCacheDir = (): string =>
  process.env.ROOTFS_CACHE_DIR ?? path.join(homedir(), ".cache", "rootfs-operator");

export const buildCommand: Command = {
  name: "build",
  summary: "Build a rootfs locally: fetch, remaster, install in qemu, extract, publish",
  usage: "rootfs build -f build.yaml --out DIR [--cache DIR] [--accel auto|kvm|tcg]",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        file: { type: "string", short: "f" },
        out: { type: "string", short: "o" },
        cache: { type: "string" },
        accel: { type: "string", default: "auto" },
      },
    });
    if (!values.file || !values.out) throw new UsageError("-f FILE and --out DIR are required");
    const accel = values.accel as AcceleratorRequest;
    if (!["auto", "kvm", "tcg"].includes(accel)) throw new UsageError("--accel must be auto, kvm or tcg");
    const { build, refs } = await readBuildFile(values.file);
    const printer = new ProgressPrinter();
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    const started = Date.now();
    const result = await runLocalBuild({
      build,
      refs,
      outDir: path.resolve(values.out),
      cacheDir: path.resolve(values.cache ?? defaultCacheDir()),
      onProgress: printer.listener,
      accel,
      signal: controller.signal,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    printer.say(
      result.upToDate
        ? `Up to date: ${result.manifestPath} already holds build ${result.buildKey.slice(0, 12)} (${seconds}s)`
        : `Built ${build.metadata.name} in ${seconds}s: build key ${result.buildKey.slice(0, 12)}`,
    );
    for (const artifact of result.manifest.artifacts) {
      console.log(
        `  ${artifact.kind.padEnd(8)} ${formatBytes(artifact.size).padStart(7)}  ${artifact.location}`,
      );
    }
    console.log(`  manifest          ${path.relative(process.cwd(), result.manifestPath)}`);
    return 0;
  },
};
