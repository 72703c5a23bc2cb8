import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IsoBootLayout } from "./iso-layout.js";
import { parseXorrisoListing } from "./iso-layout.js";
import { runTool } from "./tool.js";
import { extractFromIso } from "./xorriso.js";

// What the installer on a medium can read an answer file from. Debian and Ubuntu discs (netinst, DVD,
// live) carry /.disk/info and are mounted by their installer as /cdrom, where an answer file on the ISO is
// found; netboot media (Debian's mini.iso) boot an installer that never mounts its medium, so an answer
// file can only ride in the initrd.

export interface InstallMedium {
  /** The installer mounts the medium (as /cdrom) and can read files from it. */
  mountedByInstaller: boolean;
  /** Paths inside the ISO of the initrds the boot menus load. */
  initrds: string[];
}

/** Reads the medium's file list and boot menus; needs the layout probeIso() returned. */
export async function probeInstallMedium(iso: string, layout: IsoBootLayout): Promise<InstallMedium> {
  const { stdout } = await runTool("xorriso", ["-indev", iso, "-find", "/", "-type", "f"], {
    doing: `list the files of ${iso}`,
  });
  const files = parseXorrisoListing(stdout).files;
  const configs = [...layout.isolinuxConfigs, ...layout.grubConfigs];
  const dir = await mkdtemp(join(tmpdir(), "rootfs-medium-"));
  try {
    const locals = await extractFromIso(iso, configs, dir);
    const texts = await Promise.all(configs.map((c) => readFile(locals.get(c) ?? "", "utf8")));
    return {
      mountedByInstaller: files.some((f) => f.toLowerCase() === ".disk/info"),
      initrds: initrdsIn(texts, files),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The initrd paths named in boot menus (isolinux `initrd=a,b` and `initrd a`, GRUB `initrd a b`) that exist
 * on the ISO; isolinux paths may be relative to isolinux/.
 */
export function initrdsIn(configTexts: readonly string[], files: readonly string[]): string[] {
  const named = configTexts.flatMap((text) =>
    [...text.matchAll(/(?:\binitrd=(\S+)|^\s*initrd(?:16|efi)?\s+(.+)$)/gim)].flatMap((m) =>
      (m[1] ?? m[2] ?? "").split(m[1] !== undefined ? "," : /\s+/),
    ),
  );
  const found = named.flatMap((name) => {
    const bare = name.replace(/^\/+/, "");
    const hit = [bare, `isolinux/${bare}`].map((p) => p.toLowerCase());
    return files.filter((file) => hit.includes(file.toLowerCase()));
  });
  return [...new Set(found)];
}
