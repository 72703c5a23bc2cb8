import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { stepNames, type RootfsBuild } from "../api/rootfsbuild.js";
import { parseQuantity } from "../api/quantity.js";
import { fetchVerified, trustingPolicy, type FetchedFile, type SourcePolicy } from "../steps/fetch/index.js";
import { StepFailure } from "../reasons/step-failure.js";
import { errorText, exists } from "../lib/files.js";
import { installLocal } from "../steps/install-local/index.js";
import type { AcceleratorRequest } from "../steps/qemu/accelerator.js";
import { localMirrorRoute } from "../steps/qemu/mirror-relay.js";
import { remasterForPlan, writeAnswerVolume } from "../steps/unattended-iso.js";
import type { AnswerPlan, RefResolver } from "../plan/answer-plan.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import { resolveInputs } from "../steps/resolve-inputs.js";
import { extractAndPublish, findPublished } from "./local-outputs.js";
import { installVmFor } from "./install-request.js";
import type { Manifest } from "../api/output-manifest.js";
import type { ProgressListener } from "../plan/progress.js";
import { StepRunner, type StepTiming } from "./step-runner.js";

export interface LocalBuildOptions {
  build: RootfsBuild;
  refs: RefResolver;
  /**
   * Inputs the caller resolved already (the operator, once per generation): the source is fetched and
   * verified against their pinned digest, and no checksum file is read again.
   */
  inputs?: BuildInputs;
  /** What sources may be (the operator's configuration); the CLI trusts its user. */
  policy?: SourcePolicy;
  outDir: string;
  /** Every write lies inside this directory by real path (the local backend's claim directory). */
  containedIn?: string;
  cacheDir: string;
  onProgress: ProgressListener;
  accel?: AcceleratorRequest;
  signal?: AbortSignal;
}

export interface LocalBuildResult {
  buildKey: string;
  manifest: Manifest;
  /** Where the manifest was written. */
  manifestPath: string;
  /** True when an identical build was already published at the output and nothing was done. */
  upToDate: boolean;
  /** sha256 of the source as fetched and verified (undefined when nothing was fetched). */
  fetchedSHA256?: string;
  steps: StepTiming[];
}

/**
 * The whole pipeline on this machine: fetch → remaster → install (qemu) → extract → publish. Work is
 * reused at every level: the ISO by sha256, the remastered ISO by ISO and profile, the installed disk
 * and the published output by build key.
 */
export async function runLocalBuild(opts: LocalBuildOptions): Promise<LocalBuildResult> {
  const { build, cacheDir, onProgress } = opts;
  const { spec } = build;
  const steps = new StepRunner(onProgress);
  await ensureWritable(opts.outDir);

  const policy = opts.policy ?? trustingPolicy;
  const inputs = opts.inputs ?? (await resolveInputs(build, opts.refs, { policy, route: localMirrorRoute }));
  const { key, sourceSHA256, plan } = inputs;
  const published = await findPublished(opts.outDir, spec, key, opts.containedIn);
  if (published) {
    for (const name of stepNames) steps.skip(name, "up to date");
    return { buildKey: key, ...published, upToDate: true, steps: steps.timings };
  }

  const fetched = await steps.run("fetch", `Fetching ${inputs.sourceURL}`, () =>
    fetchVerified({
      url: inputs.sourceURL,
      checksum: inputs.pinnedChecksum,
      insecureSkipChecksum: inputs.pinnedChecksum === undefined,
      policy,
      cacheDir: path.join(cacheDir, "downloads"),
      onProgress,
    }),
  );

  const workDir = path.join(cacheDir, "builds", key);
  const disk = plan
    ? await installFromIso(opts, steps, fetched, plan, workDir)
    : { path: fetched.path, format: spec.source.disk?.format ?? "qcow2" };
  const result = await extractAndPublish({
    build,
    key,
    sourceSHA256,
    disk,
    rootPassword: plan?.rootPassword,
    outDir: opts.outDir,
    containedIn: opts.containedIn,
    steps,
    onProgress,
  });
  return { buildKey: key, ...result, upToDate: false, fetchedSHA256: fetched.sha256, steps: steps.timings };
}

async function installFromIso(
  opts: LocalBuildOptions,
  steps: StepRunner,
  fetched: FetchedFile,
  plan: AnswerPlan,
  workDir: string,
): Promise<{ path: string; format: "qcow2" }> {
  const { spec } = opts.build;
  const disk = path.join(workDir, "disk.qcow2");
  const installedMarker = path.join(workDir, "installed");
  const unattended = await steps.run("remaster", "Remastering the ISO to install unattended", () =>
    remasterForPlan({
      sourceIso: fetched.path,
      sourceSHA256: fetched.sha256,
      plan,
      cacheDir: opts.cacheDir,
      onProgress: opts.onProgress,
    }),
  );
  if (await exists(installedMarker)) {
    steps.skip("install", `installed disk for this build key is in ${workDir}`);
    return { path: disk, format: "qcow2" };
  }
  await mkdir(workDir, { recursive: true });
  const sideVolume = await writeAnswerVolume(plan, path.join(workDir, "answer.iso"));
  const consoleLog = path.join(workDir, "install-console.log");
  await steps.run(
    "install",
    `Installing ${spec.os.distro} ${spec.os.release} (console: ${consoleLog})`,
    async () => {
      try {
        await installLocal({
          iso: unattended.iso,
          sideVolume,
          mirror: spec.install.network?.mirror,
          disk,
          diskFormat: "qcow2",
          diskSizeBytes: parseQuantity(spec.install.diskSize),
          ...installVmFor(spec, plan.profile),
          consoleLog,
          accel: opts.accel,
          onProgress: opts.onProgress,
          signal: opts.signal,
        });
      } catch (err) {
        // A failed install's disk is worthless; its console log stays for the user to read.
        await rm(disk, { force: true });
        throw err;
      }
      await writeFile(installedMarker, new Date().toISOString());
    },
  );
  return { path: disk, format: "qcow2" };
}

/** Fails before any download when the output directory cannot be written. */
async function ensureWritable(outDir: string): Promise<void> {
  // Unique per call: the operator runs many builds in one process, into the same directory at times.
  const probe = path.join(outDir, `.write-test-${randomUUID()}`);
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(probe, "");
    await rm(probe);
  } catch (err) {
    throw new StepFailure(
      "PublishFailed",
      `Output directory ${outDir} is not writable (${errorText(err)}); choose a directory you can write to with --out`,
    );
  }
}
