import { stat } from "node:fs/promises";
import type { IsoBootLayout } from "./iso-layout.js";
import { bootLayoutOf, parseXorrisoListing } from "./iso-layout.js";
import { runTool } from "./tool.js";

async function assertReadableImage(iso: string): Promise<void> {
  // xorriso treats a missing path as a blank medium instead of failing, so check first.
  const info = await stat(iso).catch(() => undefined);
  if (!info || !(info.isFile() || info.isBlockDevice())) {
    throw new Error(`ISO ${iso} not found: check the path (it must be a file or block device)`);
  }
}

/** Reads the volume label and boot layout of an ISO without mounting it. */
export async function probeIso(iso: string): Promise<IsoBootLayout> {
  await assertReadableImage(iso);
  const { stdout, stderr } = await runTool(
    "xorriso",
    ["-indev", iso, "-pvd_info", "-report_el_torito", "plain", "-find", "/", "-type", "f"],
    { doing: `read the boot layout of ${iso}`, hint: "Check that the file is a complete ISO 9660 image." },
  );
  if (/No ISO 9660 image|Media status\s*:\s*is blank/.test(stderr)) {
    throw new Error(
      `${iso} is not an ISO 9660 image (xorriso found no volume descriptor): check the download`,
    );
  }
  return bootLayoutOf(iso, parseXorrisoListing(stdout));
}
