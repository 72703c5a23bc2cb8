import { homedir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatBytes } from "../../api/quantity.js";
import { runLocalBuild } from "../../pipeline/local-build.js";
import { resolveBuildSource } from "../../plan/build-source.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { readBuildFile } from "../build-file.js";
import { buildFromFlags, sourceFlags } from "../build-flags.js";
import { printPlan } from "../build-plan.js";
import { UsageError, type Command } from "../command.js";
import { ProgressPrinter } from "../progress-printer.js";
import { textReader, trustingPolicy } from "../../steps/fetch/index.js";

export const defaultCacheDir = (): string =>
  process.env.ROOTFS_CACHE_DIR ?? path.join(homedir(), ".cache", "rootfs-operator");

export const buildCommand: Command = {
  name: "build",
  summary: "Build a rootfs locally: fetch, remaster, install in qemu, extract, publish",
  usage:
    "rootfs build -f build.yaml --out DIR [--cache DIR] [--accel auto|kvm|tcg] [--dry-run]\n" +
    "       rootfs build --distro D --release R [--arch x86_64|aarch64] [--edition E] [--mirror URL] [--daily]\n" +
    "                    [--package P ...] --out DIR [--dry-run]      (the distribution's own ISO: rootfs sources)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        file: { type: "string", short: "f" },
        out: { type: "string", short: "o" },
        cache: { type: "string" },
        accel: { type: "string", default: "auto" },
        "dry-run": { type: "boolean", default: false },
        ...sourceFlags,
      },
    });
    if (!values.out) throw new UsageError("--out DIR is required");
    if (values.file && values.distro) throw new UsageError("give -f FILE or --distro, not both");
    const accel = values.accel as AcceleratorRequest;
    if (!["auto", "kvm", "tcg"].includes(accel)) throw new UsageError("--accel must be auto, kvm or tcg");
    const named = values.file ? await readBuildFile(values.file) : buildFromFlags(values);
    const { build, official } = await resolveBuildSource(named.build, textReader(trustingPolicy));
    const outDir = path.resolve(values.out);
    if (values["dry-run"]) {
      await printPlan({ build, refs: named.refs, official, outDir });
      return 0;
    }
    const printer = new ProgressPrinter();
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    const started = Date.now();
    const result = await runLocalBuild({
      build,
      refs: named.refs,
      outDir,
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
