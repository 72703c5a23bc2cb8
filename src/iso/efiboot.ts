// Edits files inside the FAT EFI boot image (images/efiboot.img) with mtools, so no loop mount
// and no root are needed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTool } from "./tool.js";

function fatPath(path: string): string {
  return `::/${path.replace(/^\/+/, "")}`;
}

/** Paths (without leading slash) of all files in the FAT image, e.g. "EFI/BOOT/grub.cfg". */
export async function listFatFiles(image: string): Promise<string[]> {
  const { stdout } = await runTool("mdir", ["-/", "-b", "-i", image, "::/"], {
    doing: `list the files in EFI boot image ${image}`,
    hint: "Check that it is a FAT file system image.",
  });
  return stdout
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("::/") && !line.endsWith("/"))
    .map((line) => line.slice("::/".length));
}

export async function readFatFile(image: string, path: string): Promise<string> {
  const { stdout } = await runTool("mcopy", ["-n", "-i", image, fatPath(path), "-"], {
    doing: `read ${path} from EFI boot image ${image}`,
  });
  return stdout;
}

/** Replaces a file in the FAT image; the image keeps its size, so it must have room for the new text. */
export async function writeFatFile(image: string, path: string, content: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "rootfs-efiboot-"));
  try {
    const local = join(dir, "content");
    await writeFile(local, content);
    await runTool("mcopy", ["-o", "-i", image, local, fatPath(path)], {
      doing: `write ${path} into EFI boot image ${image}`,
      hint: "If mcopy reports a full disk, the image has no room left for the longer file: please report the ISO.",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** grub.cfg files in the image, wherever the distro put them (EFI/BOOT/, EFI/debian/, …). */
export async function findFatGrubConfigs(image: string): Promise<string[]> {
  return (await listFatFiles(image)).filter((path) => /(^|\/)grub\.cfg$/i.test(path));
}
