import { access, rename, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { IsoFile } from "./remaster.js";
import { runTool } from "./tool.js";

export interface SideVolumeOptions {
  /** Volume label the installer looks for: "OEMDRV" (Anaconda), "cidata" (cloud-init NoCloud), … */
  label: string;
  files: readonly IsoFile[];
  output: string;
}

// ISO 9660 volume ids hold at most 32 characters.
const MAX_LABEL_LENGTH = 32;

/** mkisofs graft points treat `=` and `\` specially. */
function graftEscape(path: string): string {
  return path.replace(/[\\=]/g, "\\$&");
}

/** Writes a small ISO holding the answer file(s), for installers that search a second volume by label. */
export async function writeSideVolume(options: SideVolumeOptions): Promise<void> {
  const { label, files, output } = options;
  if (label === "" || label.length > MAX_LABEL_LENGTH) {
    throw new Error(`Side volume label ${JSON.stringify(label)} must be 1-${MAX_LABEL_LENGTH} characters`);
  }
  if (files.length === 0) throw new Error("Side volume needs at least one file: pass the answer file");
  for (const file of files) {
    await access(file.localPath).catch(() => {
      throw new Error(`File for side volume ${label} not found: ${file.localPath}; check the path`);
    });
  }
  const partial = join(dirname(output), `.${Date.now()}-${process.pid}.partial.iso`);
  const grafts = files.map(
    (file) =>
      `${graftEscape(`/${file.isoPath.replace(/^\/+/, "")}`)}=${graftEscape(resolve(file.localPath))}`,
  );
  try {
    await runTool(
      "xorriso",
      ["-as", "mkisofs", "-o", partial, "-V", label, "-J", "-r", "-graft-points", ...grafts],
      {
        doing: `write side volume ${output}`,
        hint: "Check free space next to the output file.",
      },
    );
    await rename(partial, output);
  } finally {
    await rm(partial, { force: true });
  }
}
