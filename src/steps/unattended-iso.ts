import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { canonicalJson } from "../plan/build-key.js";
import type { AnswerPlan } from "../plan/answer-plan.js";
import { bootArgsOf } from "../plan/answer-plan.js";
import type { ProgressListener } from "../plan/progress.js";
import {
  mediaFacts,
  probeInstallMedium,
  probeIso,
  remasterIso,
  SERIAL_CONSOLES,
  writeSideVolume,
  type BootConfigChange,
  type InstallMedium,
  type IsoBootLayout,
  type IsoFile,
} from "../iso/index.js";
import { answerVolumeFor, type AnswerVolume } from "../installers/index.js";
import { assertNever } from "../lib/assert-never.js";
import { injectIntoInitrds } from "./answer-initrd.js";
import { toolVersion } from "../version.js";
import { StepFailure } from "../reasons/step-failure.js";
import { errorText, exists } from "../lib/files.js";
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
  const layout = await probeIso(opts.sourceIso).catch(unsupported);
  await checkInstallable(opts.sourceIso, layout, plan);
  const medium = await mediumFor(opts.sourceIso, layout, plan);
  const volume = answerVolumeFor(plan.profile, medium);
  const volumeId = layout.volumeId;
  const kernelArgs = bootArgsOf(plan, volumeId, volume).add;
  const embedded = volume.kind === "side-volume" ? [] : plan.answerFile.files;
  const key = createHash("sha256")
    .update(
      canonicalJson({ tool: toolVersion, iso: opts.sourceSHA256, kernelArgs, embedded, in: volume.kind }),
    )
    .digest("hex");
  const output =
    opts.output !== undefined ? opts.output : path.join(opts.cacheDir, "remastered", `${key}.iso`);
  if (opts.output === undefined && (await exists(output)))
    return { iso: output, volumeId, changes: [], cached: true };

  await mkdir(path.dirname(output), { recursive: true });
  const work = await mkdtemp(path.join(path.dirname(output), ".remaster-"));
  try {
    const addFiles = await answerFilesOnIso(opts.sourceIso, volume, medium, plan, work);
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
/**
 * Refuses an ISO that cannot install the plan's distribution (UnsupportedMedia) before anything is
 * written: a live image, another family's installer, an image without its kernel.
 */
async function checkInstallable(iso: string, layout: IsoBootLayout, plan: AnswerPlan): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "rootfs-media-"));
  try {
    checkMedia(iso, await mediaFacts(iso, layout, work).catch(unsupported), plan.profile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * What the installer medium offers an answer file that is not on a side volume. A netboot medium (no
 * cdrom stage) carries no packages either, so an offline install from it cannot work.
 */
async function mediumFor(
  iso: string,
  layout: IsoBootLayout,
  plan: AnswerPlan,
): Promise<InstallMedium | undefined> {
  if (plan.volume.kind === "side-volume") return undefined;
  const medium = await probeInstallMedium(iso, layout).catch(unsupported);
  if (!medium.mountedByInstaller && plan.offline) {
    throw new StepFailure(
      "InvalidSpec",
      `${path.basename(iso)} is a netboot medium: its installer does not read the ISO, which carries no packages; ` +
        "set spec.install.network.mirror to install from a mirror, or use an install disc (netinst, DVD)",
    );
  }
  if (!medium.mountedByInstaller && medium.initrds.length === 0) {
    throw new StepFailure(
      "UnsupportedISO",
      `${path.basename(iso)}: no boot entry names an initrd on the ISO to carry the answer file; please report this layout`,
    );
  }
  return medium;
}

/** The files to put on the ISO: the answer file itself, or the installer initrds with the answers appended. */
async function answerFilesOnIso(
  iso: string,
  volume: AnswerVolume,
  medium: InstallMedium | undefined,
  plan: AnswerPlan,
  work: string,
): Promise<IsoFile[]> {
  switch (volume.kind) {
    case "side-volume":
      return [];
    case "embedded":
      // Debian's preseed is the only answer embedded on the ISO; its place there is /preseed.cfg.
      return stageAnswerFiles(work, plan);
    case "initrd":
      return injectIntoInitrds(iso, medium?.initrds ?? [], plan.answerFile.files, work);
    default:
      return assertNever(volume);
  }
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
async function stageAnswerFiles(dir: string, plan: AnswerPlan): Promise<IsoFile[]> {
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
