import { execFile } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Creates an empty disk image, replacing any file at `file`. */
export async function createBlankDisk(
  file: string,
  format: "qcow2" | "raw",
  sizeBytes: number,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await rm(file, { force: true });
  try {
    await run("qemu-img", ["create", "-q", "-f", format, file, String(sizeBytes)]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(
      `Cannot create the install disk ${file}: ${stderr || (err as Error).message}; ` +
        "check that qemu-img is installed and the directory is writable with enough free space",
    );
  }
}
