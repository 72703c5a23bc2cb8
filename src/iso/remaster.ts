import { access, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { BootConfigChange, PatchedConfig } from "./boot-menu.js";
import { installerArgs } from "./boot-menu.js";
import { findFatGrubConfigs, readFatFile, writeFatFile } from "./efiboot.js";
import type { IsoBootLayout } from "./iso-layout.js";
import { patchGrubConfig } from "./patch-grub.js";
import { patchIsolinuxConfigs } from "./patch-isolinux.js";
import { probeIso } from "./probe.js";
import { runTool } from "./tool.js";
import { extractFromIso, parseXorrisoProgress } from "./xorriso.js";

export interface IsoFile {
  /** Where the file goes in the ISO, e.g. "/ks.cfg". */
  isoPath: string;
  localPath: string;
}

export interface RemasterOptions {
  input: string;
  output: string;
  /** Added to every installer boot entry; see installerArgs() for the rules. */
  kernelArgs: readonly string[];
  /** e.g. "ttyS0,115200" (x86_64) or "ttyAMA0,115200" (aarch64); see SERIAL_CONSOLES. */
  serialConsole?: string;
  addFiles?: readonly IsoFile[];
  /** Percent written, from xorriso's progress lines. */
  onProgress?: (percent: number) => void;
}

export interface RemasterResult {
  volumeId: string;
  layout: IsoBootLayout;
  changes: BootConfigChange[];
}

interface Replacement {
  isoPath: string;
  localPath: string;
}

async function assertInputs(options: RemasterOptions): Promise<void> {
  installerArgs(options);
  if (resolve(options.input) === resolve(options.output)) {
    throw new Error(`Remaster output ${options.output} is the input ISO: choose another output path`);
  }
  for (const file of options.addFiles ?? []) {
    await access(file.localPath).catch(() => {
      throw new Error(
        `File to add to the ISO not found: ${file.localPath} (for ${file.isoPath}); check the path`,
      );
    });
  }
}

/** Patches every grub.cfg inside each EFI boot image; returns the images that changed. */
async function patchEfiImages(
  layout: IsoBootLayout,
  locals: Map<string, string>,
  options: RemasterOptions,
): Promise<{ replacements: Replacement[]; changes: BootConfigChange[] }> {
  const replacements: Replacement[] = [];
  const changes: BootConfigChange[] = [];
  for (const image of layout.efiImages) {
    const local = locals.get(image);
    if (!local) continue;
    let changed = false;
    for (const path of await findFatGrubConfigs(local)) {
      const patched = patchGrubConfig(`${image}:${path}`, await readFatFile(local, path), options);
      if (!patched.changed) continue;
      await writeFatFile(local, path, patched.text);
      changes.push(patched.change);
      changed = true;
    }
    if (changed) replacements.push({ isoPath: image, localPath: local });
  }
  return { replacements, changes };
}

async function patchConfigs(
  layout: IsoBootLayout,
  workDir: string,
  options: RemasterOptions,
): Promise<{ replacements: Replacement[]; changes: BootConfigChange[] }> {
  const configs = [...layout.isolinuxConfigs, ...layout.grubConfigs];
  const locals = await extractFromIso(options.input, [...configs, ...layout.efiImages], workDir);
  const read = async (file: string): Promise<{ file: string; text: string }> => ({
    file,
    text: await readFile(locals.get(file) ?? "", "utf8"),
  });
  const patched: PatchedConfig[] = [];
  if (layout.isolinuxConfigs.length > 0) {
    patched.push(...patchIsolinuxConfigs(await Promise.all(layout.isolinuxConfigs.map(read)), options));
  }
  for (const { file, text } of await Promise.all(layout.grubConfigs.map(read))) {
    patched.push(patchGrubConfig(file, text, options));
  }
  const replacements: Replacement[] = [];
  for (const config of patched.filter((p) => p.changed)) {
    const localPath = join(workDir, `patched-${replacements.length}.cfg`);
    await writeFile(localPath, config.text);
    replacements.push({ isoPath: config.file, localPath });
  }
  const efi = await patchEfiImages(layout, locals, options);
  return {
    replacements: [...replacements, ...efi.replacements],
    changes: [...patched.map((p) => p.change), ...efi.changes],
  };
}

async function writeIso(
  options: RemasterOptions,
  volumeId: string,
  files: readonly Replacement[],
): Promise<void> {
  // Written next to the output and renamed at the end, so a crash never leaves a half-written ISO behind.
  const partial = join(dirname(options.output), `.${Date.now()}-${process.pid}.partial.iso`);
  const args = ["-indev", options.input, "-outdev", partial, "-compliance", "no_emul_toc"];
  // replay: keep the original El Torito BIOS/UEFI images, MBR/GPT and appended partitions.
  args.push("-boot_image", "any", "replay", "-volid", volumeId, "-pacifier", "mkisofs");
  // One sync at the end (instead of every 16 MiB), so the ISO is on disk before the rename shows it.
  args.push("-stdio_sync", "end");
  for (const file of files) args.push("-map", file.localPath, `/${file.isoPath.replace(/^\/+/, "")}`);
  const onProgress = options.onProgress;
  try {
    await runTool("xorriso", args, {
      doing: `write the remastered ISO ${options.output}`,
      hint: "Check free space next to the output file.",
      ...(onProgress && {
        onStderrLine: (line: string) => {
          const percent = parseXorrisoProgress(line);
          if (percent !== undefined) onProgress(percent);
        },
      }),
    });
    await rename(partial, options.output);
    onProgress?.(100);
  } finally {
    await rm(partial, { force: true });
  }
}

/**
 * Makes an installer ISO boot unattended: patches its isolinux and GRUB menus (also the grub.cfg
 * inside the EFI boot image), adds files, and writes a new ISO with the same volume label and
 * boot images. Needs xorriso and mtools; never mounts anything, so it runs without root.
 */
export async function remasterIso(options: RemasterOptions): Promise<RemasterResult> {
  await assertInputs(options);
  const layout = await probeIso(options.input);
  const workDir = await mkdtemp(join(tmpdir(), "rootfs-remaster-"));
  try {
    const { replacements, changes } = await patchConfigs(layout, workDir, options);
    if (!changes.some((change) => change.entries.length > 0)) {
      throw new Error(
        `${options.input}: no boot entry loads a Linux kernel in ${[...layout.isolinuxConfigs, ...layout.grubConfigs].join(", ")}; ` +
          "this boot menu layout is not supported yet, please report it",
      );
    }
    const added = (options.addFiles ?? []).map((file) => ({
      isoPath: file.isoPath,
      localPath: resolve(file.localPath),
    }));
    await writeIso(options, layout.volumeId, [...replacements, ...added]);
    return { volumeId: layout.volumeId, layout, changes };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
