import path from "node:path";
import { parseArgs } from "node:util";
import { readManifest, type Manifest } from "../../api/output-manifest.js";
import { listDir } from "../../steps/publish/local.js";
import type { AcceleratorRequest } from "../../steps/qemu/accelerator.js";
import { verifyBoot } from "../../steps/verify/index.js";
import { UsageError, type Command } from "../command.js";

export const verifyCommand: Command = {
  name: "verify",
  summary:
    "Boot a built rootfs's kernel with its cgz as initramfs and check its own shell and coreutils run, or (--systemd) that it boots to multi-user.target with no failed unit",
  usage:
    "rootfs verify DIR [--systemd] [--timeout SECONDS] [--accel auto|kvm|tcg] [--console-log FILE]   (DIR: a build's --out directory or its manifest.json)",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        timeout: { type: "string", default: "300" },
        systemd: { type: "boolean", default: false },
        accel: { type: "string", default: "auto" },
        "console-log": { type: "string" },
      },
    });
    const accel = values.accel as AcceleratorRequest;
    if (!["auto", "kvm", "tcg"].includes(accel)) throw new UsageError("--accel must be auto, kvm or tcg");
    const [target] = positionals;
    if (!target) throw new UsageError("DIR is required");
    const { manifest, root } = await findManifest(target);
    const kernel = manifest.artifacts.find((a) => a.kind === "kernel");
    const cgz = manifest.artifacts.find((a) => a.kind === "cgz");
    if (!kernel || !cgz) {
      throw new Error(
        `${target} has no kernel and cgz to boot: build with spec.outputs.kernel and cgz enabled`,
      );
    }
    const result = await verifyBoot({
      kernel: path.join(root, kernel.location),
      cgz: path.join(root, cgz.location),
      arch: manifest.os.arch,
      mode: values.systemd ? "systemd" : "shell",
      timeoutMs: Number(values.timeout) * 1000,
      accel,
      ...(values["console-log"] !== undefined && { consoleLog: values["console-log"] }),
      onMessage: (text) => console.error(`[verify] ${text}`),
    });
    const seconds = (result.durationMs / 1000).toFixed(1);
    if (result.passed) {
      console.log(`PASS ${manifest.name}: ${result.marker ?? "marker seen"} (${result.accel}, ${seconds}s)`);
      return 0;
    }
    console.error(`FAIL ${manifest.name}: ${result.failure ?? "no marker"} (${result.accel}, ${seconds}s)`);
    console.error(`Console tail:\n${result.consoleTail}`);
    return 1;
  },
};

/** A manifest path, a flat output directory, or a compass-ci root (its newest build). */
async function findManifest(target: string): Promise<{ manifest: Manifest; root: string }> {
  if (target.endsWith(".json")) {
    const manifest = await load(target);
    // compass-ci manifests sit in builds/<distro>/<arch>/<tree>/, four levels below the output root.
    const up = manifest.layout === "compass-ci" ? "../../../.." : ".";
    return { manifest, root: path.resolve(path.dirname(target), up) };
  }
  const flat = await readManifest(path.join(target, "manifest.json"));
  if (flat) return { manifest: flat, root: target };
  const builds: string[] = [];
  for (const distro of await listDir(path.join(target, "builds")))
    for (const arch of await listDir(path.join(target, "builds", distro)))
      for (const build of await listDir(path.join(target, "builds", distro, arch)))
        builds.push(path.join(target, "builds", distro, arch, build, "manifest.json"));
  const newest = builds.sort().at(-1);
  if (!newest) {
    throw new Error(
      `${target} holds no manifest.json: point rootfs verify at a rootfs build --out directory`,
    );
  }
  return { manifest: await load(newest), root: target };
}

async function load(file: string): Promise<Manifest> {
  const manifest = await readManifest(file);
  if (!manifest) throw new Error(`${file} is not a rootfs manifest`);
  return manifest;
}
