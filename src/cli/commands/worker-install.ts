// `rootfs worker install`: the install step of the cluster backend's pod runtime, the same step
// `rootfs build` runs (src/steps/install-local), in the worker image: qemu boots the remastered ISO from
// the ISO PVC with the answer files (the answer Secret) on a side volume and installs onto a raw disk on
// the target PVC, where the extract Job reads it. The console is parsed into progress (stderr), copied
// to stdout (kubectl logs) and to a file beside the disk; a failure signature, a reboot or the timeout
// fail the step, a clean power-off is success.
import path from "node:path";
import type { z } from "zod";
import { parseQuantity } from "../../api/quantity.js";
import { buildConfigKey } from "../../api/worker-contract.js";
import { installVmFor } from "../../pipeline/install-request.js";
import { StepRunner } from "../../pipeline/step-runner.js";
import { installLocal } from "../../steps/install-local/index.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { writeAnswerVolume } from "../../steps/unattended-iso.js";
import { UsageError } from "../command.js";
import type { ProgressPrinter } from "../progress-printer.js";
import { answerPlanFromDir } from "./worker-plan.js";
import type { rootfsBuild } from "../../api/rootfsbuild.js";

type BuildConfig = z.output<typeof rootfsBuild>;

/** KubeVirt leaves this share of a Filesystem PVC for the filesystem when it makes disk.img; so do we. */
const filesystemOverhead = 0.055;

export interface InstallOptions {
  configDir: string;
  iso?: string;
  disk?: string;
  console?: string;
  accel: string;
  printer: ProgressPrinter;
}

export async function workerInstall(config: BuildConfig, opts: InstallOptions) {
  const { iso, disk, printer } = opts;
  if (!iso || !disk) throw new UsageError("--iso and --disk are required for install");
  if (!["auto", "kvm", "tcg"].includes(opts.accel)) throw new UsageError("--accel must be auto, kvm or tcg");
  const { spec } = config;
  const plan = await answerPlanFromDir(spec.os, opts.configDir, buildConfigKey);
  const sideVolume = await writeAnswerVolume(plan, "/tmp/answers/answers.iso");
  const consoleLog = opts.console ?? path.join(path.dirname(disk), "install-console.log");
  const steps = new StepRunner(printer.listener);
  const installed = await steps.run("install", `Installing ${spec.os.distro} ${spec.os.release}`, () =>
    installLocal({
      iso,
      sideVolume,
      disk,
      diskFormat: "raw",
      diskSizeBytes: diskImageSize(parseQuantity(spec.install.diskSize)),
      ...installVmFor(spec, plan.profile),
      consoleLog,
      accel: opts.accel as AcceleratorRequest,
      onProgress: printer.listener,
      onConsoleLine: (line) => process.stdout.write(`${line}\n`),
    }),
  );
  return { accel: installed.accel, durationMs: installed.durationMs, steps: steps.timings };
}

/** The disk KubeVirt would make in a PVC of `pvcBytes`: less its filesystem overhead, whole MiB. */
export function diskImageSize(pvcBytes: number): number {
  const mib = 2 ** 20;
  return Math.floor((pvcBytes * (1 - filesystemOverhead)) / mib) * mib;
}
