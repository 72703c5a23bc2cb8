import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * What `qemu-img info` says is wrong with a disk image, if anything. libguestfs only reports
 * "qemu-img exited with error status 1" when it cannot open an image; this recovers the reason
 * ("Image is not in qcow2 format", "No such file or directory", …).
 */
export async function imageProblem(disk: string, format: string): Promise<string | undefined> {
  try {
    await run("qemu-img", ["info", `--format=${format}`, disk], { timeout: 30_000 });
    return undefined;
  } catch (err) {
    const stderr = (err as { stderr?: unknown }).stderr;
    const text = typeof stderr === "string" ? stderr.trim() : "";
    return text.replace(/^qemu-img: /, "") || undefined;
  }
}
