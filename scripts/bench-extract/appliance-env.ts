import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * The environment every libguestfs tool in the benchmark runs with: the direct backend, and TCG
 * when this machine's KVM cannot boot the appliance (nested KVM sometimes makes qemu abort), so
 * that all three contenders run on the same accelerator.
 */
export async function applianceEnv(): Promise<{ env: NodeJS.ProcessEnv; accelerator: string }> {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    LIBGUESTFS_BACKEND: process.env.LIBGUESTFS_BACKEND ?? "direct",
  };
  if (/force_tcg/.test(base.LIBGUESTFS_BACKEND_SETTINGS ?? ""))
    return { env: base, accelerator: "TCG (forced)" };
  const dir = await mkdtemp(path.join(os.tmpdir(), "bench-probe-"));
  try {
    const disk = path.join(dir, "probe.img");
    await writeFile(disk, Buffer.alloc(1024 * 1024));
    await run("guestfish", ["--ro", "--format=raw", "-a", disk, "run"], { env: base });
    return { env: base, accelerator: "KVM if available" };
  } catch {
    return {
      env: { ...base, LIBGUESTFS_BACKEND_SETTINGS: "force_tcg" },
      accelerator: "TCG (KVM failed to boot the appliance)",
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
