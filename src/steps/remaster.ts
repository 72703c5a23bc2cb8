import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { canonicalJson } from "../pipeline/build-key.js";
import type { AnswerPlan } from "../pipeline/answer-plan.js";
import { bootArgsOf } from "../pipeline/answer-plan.js";
import type { ProgressListener } from "../pipeline/progress.js";
import {
  mediaFacts,
  probeIso,
  remasterIso,
  SERIAL_CONSOLES,
  writeSideVolume,
  type BootConfigChange,
} from "../iso/index.js";
import { toolVersion } from "../version.js";
import { StepFailure } from "./failure.js";
import { errorText, exists } from "./files.js";
import { checkMedia } from "./media-check.js";

export interface UnattendedIso {
  /** The remastered ISO: depends only on the source ISO and the profile, unless the answer is embedded. */
  iso: string;
  volumeId: string;
  /** Boot-entry changes, empty when the remastered ISO came from the cache. */
  changes: BootConfigChange[];
  cached: boolean;
}

/** Where a remaster goes: into the cache (reused when there already), or to exactly one file, always made. */
export type RemasterTarget =
  { cacheDir: string; output?: undefined } | { output: string; cacheDir?: undefined };

/**
 * Makes the unattended ISO for `plan`, reusing an earlier remaster of the same ISO with the same boot
 * arguments (and embedded files). Answers that ride on a side volume stay off this ISO, so every
 * build of an ISO and profile shares one remaster.
 */
export async function remasterForPlan(
  opts: {
    sourceIso: string;
    sourceSHA256: string;
    plan: AnswerPlan;
    onProgress?: ProgressListener;
  } & RemasterTarget,
): Promise<UnattendedIso> {
  const { plan } = opts;
  const volumeId = await inspect(opts.sourceIso, plan);
  const kernelArgs = bootArgsOf(plan, volumeId).add;
  const embedded = plan.volume.kind === "embedded" ? plan.answerFile.files : [];
  const key = createHash("sha256")
    .update(canonicalJson({ tool: toolVersion, iso: opts.sourceSHA256, kernelArgs, embedded }))
    .digest("hex");
  const output =
    opts.output !== undefined ? opts.output : path.join(opts.cacheDir, "remastered", `${key}.iso`);
  if (opts.output === undefined && (await exists(output)))
    return { iso: output, volumeId, changes: [], cached: true };

  await mkdir(path.dirname(output), { recursive: true });
  const work = await mkdtemp(path.join(path.dirname(output), ".remaster-"));
  try {
    // Debian's preseed is the only embedded answer; its place on the ISO is /preseed.cfg.
    const addFiles = plan.volume.kind === "embedded" ? await stageAnswerFiles(work, plan) : [];
    const result = await remasterIso({
      input: opts.sourceIso,
      output,
      kernelArgs,
      serialConsole: SERIAL_CONSOLES[plan.profile.arch],
      addFiles,
      onProgress: (percent) =>
        opts.onProgress?.({ step: "remaster", kind: "message", text: "Writing ISO", percent }),
    }).catch(unsupported);
    return { iso: output, volumeId: result.volumeId, changes: result.changes, cached: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The ISO's volume label, once it is known to install the plan's distribution: a live image, another
 * family's installer or an image without its kernel is refused (UnsupportedMedia) before anything is written.
 */
async function inspect(iso: string, plan: AnswerPlan): Promise<string> {
  const layout = await probeIso(iso).catch(unsupported);
  const work = await mkdtemp(path.join(tmpdir(), "rootfs-media-"));
  try {
    checkMedia(iso, await mediaFacts(iso, layout, work).catch(unsupported), plan.profile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return layout.volumeId;
}

/** Writes the side volume carrying the answer file, or returns undefined when the answer is embedded. */
export async function writeAnswerVolume(plan: AnswerPlan, output: string): Promise<string | undefined> {
  if (plan.volume.kind !== "side-volume") return undefined;
  await mkdir(path.dirname(output), { recursive: true });
  const work = await mkdtemp(path.join(path.dirname(output), ".answer-"));
  try {
    const files = await stageAnswerFiles(work, plan);
    const partial = `${output}.partial`;
    await writeSideVolume({ label: plan.volume.label, files, output: partial });
    await rename(partial, output);
    return output;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Writes the answer files into `dir`, readable by us only: they may hold a password hash. */
async function stageAnswerFiles(
  dir: string,
  plan: AnswerPlan,
): Promise<{ isoPath: string; localPath: string }[]> {
  const staged = [];
  for (const file of plan.answerFile.files) {
    const localPath = path.join(dir, path.basename(file.path));
    await writeFile(localPath, file.content, { mode: 0o600 });
    staged.push({ isoPath: `/${file.path}`, localPath });
  }
  return staged;
}

function unsupported(err: unknown): never {
  throw new StepFailure(
    "UnsupportedISO",
    `${errorText(err)}; check that spec.source.iso.url is an installer ISO for spec.os`,
    { cause: err },
  );
}
