import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { rootfsBuild } from "../../api/rootfsbuild.js";
import { parseWith } from "../../api/validate.js";
import { terminationMessageLimit } from "../../controller/kubevirt-backend/worker-results.js";
import { answerVolumeFor, profileFor } from "../../installers/index.js";
import { profileIdOf, type AnswerPlan } from "../../pipeline/answer-plan.js";
import { extractAndPublish } from "../../pipeline/local-outputs.js";
import { StepRunner } from "../../pipeline/step-runner.js";
import { fetchVerified } from "../../steps/fetch/index.js";
import { StepFailure } from "../../steps/failure.js";
import { errorText } from "../../steps/files.js";
import { remasterForPlan } from "../../steps/remaster.js";
import { UsageError, type Command } from "../command.js";
import { ProgressPrinter } from "../progress-printer.js";

// The commands the cluster backend's Jobs run. Each reads the build from /config (the answer Secret)
// and ends by writing one JSON object to its --result file (the Pod's termination message).

const buildConfig = rootfsBuild.extend({ key: z.string(), isoKey: z.string(), sourceSHA256: z.string() });
const answerFileNames = ["ks.cfg", "preseed.cfg", "user-data"] as const;

export const workerCommand: Command = {
  name: "worker",
  summary: "Run one cluster step (prepare | extract) inside a worker Job",
  usage:
    "rootfs worker prepare --config /config/build.json --out /iso/disk.img [--result FILE]\n" +
    "       rootfs worker extract --config /config/build.json --disk /target/disk.img --out /output [--result FILE]",
  async run(args) {
    const [step, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        config: { type: "string" },
        out: { type: "string" },
        disk: { type: "string" },
        result: { type: "string", default: "/dev/termination-log" },
        cache: { type: "string", default: "/tmp/rootfs-cache" },
      },
    });
    if (!values.config || !values.out) throw new UsageError("--config and --out are required");
    const config = parseWith(buildConfig, JSON.parse(await readFile(values.config, "utf8")), values.config);
    const printer = new ProgressPrinter();
    try {
      const result =
        step === "prepare"
          ? await prepare(config, path.dirname(values.config), values.out, values.cache, printer)
          : step === "extract"
            ? await extract(config, values.disk, values.out, printer)
            : usage(`unknown worker step "${step ?? ""}": use prepare or extract`);
      await writeResult(values.result, result);
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const reason =
        err instanceof StepFailure ? err.reason : step === "prepare" ? "DownloadFailed" : "ExtractFailed";
      await writeResult(values.result, { reason, message: errorText(err) });
      throw err;
    }
  },
};

type BuildConfig = z.output<typeof buildConfig>;

async function prepare(
  config: BuildConfig,
  configDir: string,
  out: string,
  cacheDir: string,
  printer: ProgressPrinter,
) {
  const iso = config.spec.source.iso;
  if (!iso) throw new StepFailure("InvalidSpec", "The cluster backend builds from spec.source.iso only");
  const steps = new StepRunner(printer.listener);
  const fetched = await steps.run("fetch", `Fetching ${iso.url}`, () =>
    fetchVerified({ ...iso, cacheDir, onProgress: printer.listener }),
  );
  const plan = await planFromConfig(config, configDir);
  const partial = `${out}.partial`;
  const remastered = await steps.run("remaster", "Remastering the ISO", () =>
    remasterForPlan({
      sourceIso: fetched.path,
      sourceSHA256: fetched.sha256,
      plan,
      cacheDir,
      output: partial,
      onProgress: printer.listener,
    }),
  );
  await rename(partial, out);
  return { sourceSHA256: fetched.sha256, volumeId: remastered.volumeId, steps: completed(steps) };
}

async function extract(config: BuildConfig, disk: string | undefined, out: string, printer: ProgressPrinter) {
  if (!disk) throw new UsageError("--disk is required for extract");
  const steps = new StepRunner(printer.listener);
  const { manifest } = await extractAndPublish({
    build: config,
    key: config.key,
    sourceSHA256: config.sourceSHA256,
    disk: { path: disk, format: "raw" },
    outDir: out,
    steps,
    onProgress: printer.listener,
  });
  return {
    artifacts: manifest.artifacts,
    kernelVersion: manifest.kernelVersion,
    packageCount: manifest.packageCount,
    steps: completed(steps),
  };
}

/** The answer plan from the files the answer Secret holds: the worker never sees the password Secret. */
async function planFromConfig(config: BuildConfig, configDir: string): Promise<AnswerPlan> {
  const { distro, release, arch } = config.spec.os;
  const profile = profileFor(distro, release, arch);
  const names = (await readdir(configDir)).filter((n) => !n.startsWith(".") && n !== "build.json");
  const files = await Promise.all(
    names.map(async (n) => ({ path: n, content: await readFile(path.join(configDir, n), "utf8") })),
  );
  const fileName = answerFileNames.find((n) => names.includes(n));
  if (!fileName)
    throw new StepFailure(
      "AnswerFileInvalid",
      `No answer file (${answerFileNames.join(", ")}) in ${configDir}`,
    );
  // The root password is already in the answer files; the worker needs only what shapes the ISO.
  return {
    profile,
    profileId: profileIdOf(profile),
    answerFile: { fileName, files },
    volume: answerVolumeFor(profile),
    rootPassword: { kind: "locked" },
  };
}

function completed(steps: StepRunner) {
  return steps.timings.map(({ name, startTime, completionTime }) => ({ name, startTime, completionTime }));
}

async function writeResult(file: string, result: unknown): Promise<void> {
  const text = JSON.stringify(result);
  if (Buffer.byteLength(text) > terminationMessageLimit) {
    throw new Error(
      `The worker result is ${Buffer.byteLength(text)} bytes; a termination message holds ${terminationMessageLimit}`,
    );
  }
  await writeFile(file, text);
}

function usage(message: string): never {
  throw new UsageError(message);
}
