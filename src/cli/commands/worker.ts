import { readFile, rename, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { workerInstall } from "./worker-install.js";
import { answerPlanFromDir } from "./worker-plan.js";
import { parseWith } from "../../api/validate.js";
import {
  buildConfigSchema,
  prepareConfigKey,
  prepareConfigSchema,
  terminationMessageLimit,
  type BuildConfig,
  type PrepareConfig,
} from "../../api/worker-contract.js";
import { extractAndPublish } from "../../pipeline/local-outputs.js";
import { publishToS3 } from "../../pipeline/s3-publish.js";
import { s3TargetFromEnv } from "../../steps/publish/s3/index.js";
import { StepRunner } from "../../pipeline/step-runner.js";
import { fetchVerified, trustingPolicy } from "../../steps/fetch/index.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { errorText } from "../../lib/files.js";
import { remasterForPlan } from "../../steps/unattended-iso.js";
import { UsageError, type Command } from "../command.js";
import { ProgressPrinter } from "../progress-printer.js";

// The commands the cluster backend's Jobs run. Each reads its configuration from /config (fetch and
// remaster: the prepare Secret, shared by every build of the ISO; extract: the build's answer Secret) and
// ends by writing one JSON object to its --result file (its container's termination message). fetch and
// remaster are two containers of the prepare Job's Pod, so the operator sees which one runs.

export const workerCommand: Command = {
  name: "worker",
  summary: "Run one cluster step (fetch | remaster | install | extract) inside a worker Job",
  usage:
    "rootfs worker fetch --config /config/prepare.json --out /tmp/source.iso [--cache DIR] [--result FILE]\n" +
    "       rootfs worker remaster --config /config/prepare.json --source /tmp/source.iso --out /iso/disk.img [--result FILE]\n" +
    "       rootfs worker install --config /config/build.json --iso /iso/disk.img --disk /target/disk.img [--console FILE] [--accel auto|kvm|tcg] [--result FILE]\n" +
    "       rootfs worker extract --config /config/build.json --disk /target/disk.img --out /output [--output-ephemeral] [--result FILE]\n" +
    "install reads the answer files beside its --config; extract uploads to S3 when ROOTFS_S3_BUCKET is set (with\n" +
    "ROOTFS_S3_PREFIX, ROOTFS_S3_REGION, ROOTFS_S3_ENDPOINT, ROOTFS_S3_FORCE_PATH_STYLE, AWS_ACCESS_KEY_ID,\n" +
    "AWS_SECRET_ACCESS_KEY); --output-ephemeral publishes only what reached S3.",
  async run(args) {
    const [step = "", ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: {
        config: { type: "string" },
        out: { type: "string" },
        disk: { type: "string" },
        source: { type: "string" },
        iso: { type: "string" },
        console: { type: "string" },
        accel: { type: "string", default: "auto" },
        result: { type: "string", default: "/dev/termination-log" },
        cache: { type: "string", default: "/tmp/rootfs-cache" },
        "output-ephemeral": { type: "boolean", default: false },
      },
    });
    if (!values.config) throw new UsageError("--config is required");
    const json: unknown = JSON.parse(await readFile(values.config, "utf8"));
    const printer = new ProgressPrinter();
    try {
      await writeResult(
        values.result,
        await runStep(step, { ...values, config: values.config }, json, printer),
      );
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const reason =
        err instanceof StepFailure ? err.reason : fallbackReasons[step as keyof typeof fallbackReasons];
      await writeResult(values.result, failureFitting(reason, errorText(err)));
      throw err;
    }
  },
};

interface StepValues {
  config: string;
  out?: string;
  disk?: string;
  source?: string;
  iso?: string;
  console?: string;
  accel: string;
  cache: string;
  "output-ephemeral": boolean;
}

async function runStep(step: string, values: StepValues, json: unknown, printer: ProgressPrinter) {
  const out = () => values.out ?? usage(`--out is required for ${step}`);
  switch (step) {
    case "fetch":
      return fetchSource(parseWith(prepareConfigSchema, json, values.config), out(), values.cache, printer);
    case "remaster":
      return remaster(parseWith(prepareConfigSchema, json, values.config), path.dirname(values.config), {
        source: values.source,
        out: out(),
        printer,
      });
    case "install": {
      const installed = await workerInstall(parseWith(buildConfigSchema, json, values.config), {
        ...values,
        configDir: path.dirname(values.config),
        printer,
      });
      return { accel: installed.accel, steps: completed(installed.steps) };
    }
    case "extract":
      return extract(parseWith(buildConfigSchema, json, values.config), {
        disk: values.disk,
        out: out(),
        ephemeral: values["output-ephemeral"],
        printer,
      });
    default:
      return usage(`unknown worker step "${step}": use fetch, remaster, install or extract`);
  }
}

/** What a step that fails unexpectedly (not a StepFailure) reports. */
const fallbackReasons = {
  fetch: "DownloadFailed",
  remaster: "UnsupportedISO",
  install: "InstallFailed",
  extract: "ExtractFailed",
} as const;

/** Downloads and verifies the source ISO, then moves it to `out` for the remaster container. */
async function fetchSource(config: PrepareConfig, out: string, cacheDir: string, printer: ProgressPrinter) {
  const iso = config.source.iso;
  if (!iso) throw new StepFailure("InvalidSpec", "The cluster backend builds from spec.source.iso only");
  const steps = new StepRunner(printer.listener);
  const fetched = await steps.run("fetch", `Fetching ${iso.url}`, async () => {
    const policy = config.policy ?? trustingPolicy;
    const file = await fetchVerified({ ...iso, cacheDir, policy, onProgress: printer.listener });
    // A file:// source is verified in place: link it rather than move someone else's file.
    if (iso.url.startsWith("file://")) await symlink(file.path, out);
    else await rename(file.path, out);
    return file;
  });
  return { sourceSHA256: fetched.sha256, steps: completed(steps.timings) };
}

async function remaster(
  config: PrepareConfig,
  configDir: string,
  opts: { source?: string; out: string; printer: ProgressPrinter },
) {
  const { source, out, printer } = opts;
  if (!source) throw new UsageError("--source is required for remaster");
  const plan = await answerPlanFromDir(config.os, configDir, prepareConfigKey);
  const steps = new StepRunner(printer.listener);
  const partial = `${out}.partial`;
  const remastered = await steps.run("remaster", "Remastering the ISO", () =>
    remasterForPlan({
      sourceIso: source,
      sourceSHA256: config.sourceSHA256,
      plan,
      output: partial,
      onProgress: printer.listener,
    }),
  );
  await rename(partial, out);
  return { volumeId: remastered.volumeId, steps: completed(steps.timings) };
}

async function extract(
  config: BuildConfig,
  opts: { disk?: string; out: string; ephemeral: boolean; printer: ProgressPrinter },
) {
  const { disk, out, printer } = opts;
  if (!disk) throw new UsageError("--disk is required for extract");
  const s3 = s3TargetFromEnv(process.env);
  if (opts.ephemeral && !s3)
    throw new UsageError("--output-ephemeral needs ROOTFS_S3_BUCKET: the outputs would go nowhere");
  const steps = new StepRunner(printer.listener);
  const { manifest } = await extractAndPublish({
    // An nfsroot tree cannot travel to S3, so scratch output makes none (nor needs root to make it).
    build: opts.ephemeral
      ? { ...config, spec: { ...config.spec, outputs: { ...config.spec.outputs, nfsroot: false } } }
      : config,
    key: config.key,
    sourceSHA256: config.sourceSHA256,
    disk: { path: disk, format: "raw" },
    outDir: out,
    steps,
    onProgress: printer.listener,
  });
  const uploaded = s3 ? await publishToS3(s3, out, manifest, printer.listener) : [];
  return {
    artifacts: [...(opts.ephemeral ? [] : manifest.artifacts), ...uploaded],
    kernelVersion: manifest.kernelVersion,
    packageCount: manifest.packageCount,
    steps: completed(steps.timings),
  };
}

function completed(timings: StepRunner["timings"]) {
  return timings.map(({ name, startTime, completionTime }) => ({ name, startTime, completionTime }));
}

/**
 * A failure as the termination message holds it: a message too long (an installer's console excerpt)
 * keeps its first line and as many of its last lines as fit.
 */
export function failureFitting(reason: string, message: string): { reason: string; message: string } {
  const fits = (text: string) =>
    Buffer.byteLength(JSON.stringify({ reason, message: text })) <= terminationMessageLimit;
  if (fits(message)) return { reason, message };
  const [first = "", ...lines] = message.split("\n");
  let kept: string[] = [];
  for (const line of lines.reverse()) {
    if (!fits([first, "…", line, ...kept].join("\n"))) break;
    kept = [line, ...kept];
  }
  const head = fits(first) ? first : `${first.slice(0, terminationMessageLimit / 4)}…`;
  return { reason, message: [head, "…", ...kept].join("\n") };
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
