import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Artifact } from "../api/common.js";
import type { FailureReason } from "../reasons/status-reasons.js";
import type { RootfsBuild, RootfsBuildStatus, StepName } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import { runLocalBuild } from "../pipeline/local-build.js";
import { publishToS3, s3TargetFor } from "../pipeline/s3-publish.js";
import type { ProgressEvent } from "../plan/progress.js";
import { StepFailure } from "../reasons/step-failure.js";
import { errorText } from "../lib/files.js";
import type { AcceleratorRequest } from "../steps/qemu/accelerator.js";
import type { ArtifactCleanup, BackendState, BuildBackend, BuildRun } from "./backend.js";
import type { BuildOutcome } from "./catalog.js";
import { sourcePolicyOf, type OperatorConfig } from "./config.js";
import { deleteClaimFiles } from "./delete-artifacts.js";
import type { ResolvedStorage } from "./builders/storage.js";
import { makeDirInside } from "../steps/publish/contained.js";

export interface LocalBackendOptions {
  /** Stands in for the cluster's PVCs: a claim's files live in <storageDir>/<namespace>/<claimName>/. */
  storageDir: string;
  cacheDir: string;
  accel?: AcceleratorRequest;
  config: OperatorConfig;
}

/** The claim a build without spec.storage (nor the operator's defaultStorage) writes to. */
export const defaultLocalClaim = "rootfs-artifacts";

interface Task {
  owner: string;
  state: BackendState;
  abort: AbortController;
}

/** When a step fails with an error that carries no reason of its own. */
const stepFailureReason: Record<StepName, FailureReason> = {
  fetch: "DownloadFailed",
  remaster: "UnsupportedISO",
  install: "InstallFailed",
  extract: "ExtractFailed",
  publish: "PublishFailed",
};

/**
 * Runs the pipeline as a task in this process, one per build key (`rootfs operator --backend local`).
 * A task that finished is reported once and forgotten: asking again re-runs the pipeline, which finds
 * its published output by build key and returns at once, so a restart never redoes finished work.
 */
export class LocalBackend implements BuildBackend {
  readonly pollIntervalMs = 2000;
  private readonly tasks = new Map<string, Task>();

  constructor(private readonly opts: LocalBackendOptions) {}

  advance(run: BuildRun): Promise<BackendState> {
    const { key } = run.inputs;
    const task = this.tasks.get(key) ?? this.start(run);
    if (task.state.kind !== "running") this.tasks.delete(key);
    return Promise.resolve(task.state);
  }

  storageOf(build: RootfsBuild): ResolvedStorage {
    const configured: ResolvedStorage = build.spec.storage ?? this.opts.config.defaultStorage;
    if (configured.pvc || configured.s3) return configured;
    return { pvc: { claimName: defaultLocalClaim, subPath: "" } };
  }

  /** Claim directories are made as needed. */
  storageMissing(): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  cleanup(build: RootfsBuild): Promise<void> {
    this.abortTasks(build);
    return Promise.resolve();
  }

  retireStale(run: BuildRun): Promise<void> {
    this.abortTasks(run.build, run.inputs.key);
    return Promise.resolve();
  }

  /** Stops the build's running tasks, but the one of `keep`. */
  private abortTasks(build: RootfsBuild, keep?: string): void {
    for (const [key, task] of this.tasks) {
      if (task.owner !== build.metadata.uid || key === keep) continue;
      task.abort.abort();
      this.tasks.delete(key);
    }
  }

  /** A pruned entry's files in its claim's directory. */
  deleteFiles(image: RootfsImage, artifacts: Artifact[]): Promise<ArtifactCleanup> {
    return deleteClaimFiles(this.opts.storageDir, image, artifacts);
  }

  private start(run: BuildRun): Task {
    const { build } = run;
    const task: Task = {
      owner: build.metadata.uid ?? "",
      state: { kind: "running", step: "fetch" },
      abort: new AbortController(),
    };
    this.tasks.set(run.inputs.key, task);
    // The pass that starts the task names it (reconcileID); the task outlives that pass.
    const log = run.log.child({ buildKey: run.inputs.key.slice(0, 12) });
    log.info("Started local build");
    const onProgress = (event: ProgressEvent) => {
      if (task.state.kind === "running") task.state = { ...task.state, ...progressOf(event) };
    };
    this.build(run, task.abort.signal, onProgress).then(
      (outcome) => {
        log.info("Local build finished");
        task.state = { kind: "succeeded", ...outcome };
      },
      (err: unknown) => {
        const step = task.state.kind === "running" ? task.state.step : "fetch";
        const reason = err instanceof StepFailure ? err.reason : stepFailureReason[step];
        log.warn({ reason, err: errorText(err) }, "Local build failed");
        task.state = { kind: "failed", reason, message: errorText(err) };
      },
    );
    return task;
  }

  /**
   * The pipeline into the claim's directory (every write checked by real path to stay inside it), then
   * the upload to S3 when the build asks for it. An S3-only build stages its outputs in the default
   * claim's directory, and records them there too.
   */
  private async build(
    run: BuildRun,
    signal: AbortSignal,
    onProgress: (event: ProgressEvent) => void,
  ): Promise<BuildOutcome & { steps: RootfsBuildStatus["steps"]; sourceSHA256?: string }> {
    const { build } = run;
    const namespace = build.metadata.namespace ?? "default";
    const pvc = run.storage.pvc ?? { claimName: defaultLocalClaim, subPath: "" };
    const claimDir = path.join(this.opts.storageDir, namespace, pvc.claimName);
    await mkdir(this.opts.storageDir, { recursive: true });
    await makeDirInside(this.opts.storageDir, claimDir);
    const outDir = path.join(claimDir, pvc.subPath);
    await makeDirInside(claimDir, outDir);
    const result = await runLocalBuild({
      build,
      refs: run.refs,
      inputs: run.inputs,
      policy: sourcePolicyOf(this.opts.config),
      outDir,
      containedIn: claimDir,
      cacheDir: this.opts.cacheDir,
      accel: this.opts.accel,
      signal,
      onProgress,
    });
    const s3 = run.storage.s3;
    const uploaded = s3
      ? await publishToS3(await s3TargetFor(s3, run.refs), outDir, result.manifest, onProgress)
      : [];
    return {
      artifacts: [
        ...result.manifest.artifacts.map((a) => ({ ...a, location: path.join(pvc.subPath, a.location) })),
        ...uploaded,
      ],
      storage: {
        pvc: { namespace, claimName: pvc.claimName, subPath: pvc.subPath },
        ...(s3 && { s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: s3.prefix } }),
      },
      kernelVersion: result.manifest.kernelVersion,
      packageCount: result.manifest.packageCount,
      sourceSHA256: result.fetchedSHA256,
      steps: result.steps.map(({ name, startTime, completionTime }) => ({ name, startTime, completionTime })),
    };
  }
}

function progressOf(event: ProgressEvent): { step: StepName; percent?: number; message?: string } {
  if (event.kind === "message") return { step: event.step, percent: event.percent, message: event.text };
  const percent = event.total ? Math.min(100, Math.floor((event.done / event.total) * 100)) : undefined;
  return { step: event.step, percent, message: `${event.done} of ${event.total ?? "?"} bytes` };
}
