import path from "node:path";
import type { OsIdentity } from "../../api/common.js";

/** Where each staged output goes, and which symlinks point at it, relative to the output root. */
export interface LayoutPlan {
  moves: { from: StagedOutput; to: string }[];
  /** Created (or atomically replaced) after the moves; `target` is relative to the link's directory. */
  links: { path: string; target: string }[];
  manifest: string;
}

export type StagedOutput =
  "rootfs" | "rootfs.cgz" | "rootfs.tar" | "vmlinuz" | "initrd.img" | "modules.cgz" | "disk.qcow2";

export interface LayoutInputs {
  os: OsIdentity;
  /** Which outputs exist in the staging directory, with the tarball's file name (its suffix varies). */
  staged: StagedOutput[];
  tarballName?: string;
  kernelVersion?: string;
  builtAt: Date;
  /** File names already in the compass-ci osimage directory, to pick the next <date>.<n>. */
  existingOsimages: string[];
}

/**
 * flat: everything side by side under the output root.
 * compass-ci: the layout compass-ci's testboxes boot from —
 *   os/<distro>/<arch>/<release>-iso-<timestamp>/        nfsroot tree, boot/vmlinuz link, boot/modules-<kver>.cgz
 *   os/<distro>/<arch>/<release>-iso -> <release>-iso-<timestamp>, <release> -> <release>-iso
 *   initrd/osimage/<distro>/<arch>/<release>/<YYYYMMDD>.<n>.cgz, current -> newest
 *   builds/<distro>/<arch>/<release>-iso-<timestamp>/    manifest.json, vmlinuz, initrd.img, tarball, qcow2
 */
export function planLayout(layout: "flat" | "compass-ci", inputs: LayoutInputs): LayoutPlan {
  switch (layout) {
    case "flat":
      return planFlat(inputs);
    case "compass-ci":
      return planCompassCi(inputs);
  }
}

function planFlat({ staged, tarballName }: LayoutInputs): LayoutPlan {
  return {
    moves: staged.map((from) => ({ from, to: from === "rootfs.tar" ? (tarballName ?? from) : from })),
    links: [],
    manifest: "manifest.json",
  };
}

function planCompassCi(inputs: LayoutInputs): LayoutPlan {
  const { os, staged, kernelVersion, builtAt } = inputs;
  const osDir = path.join("os", os.distro, os.arch);
  const treeName = `${os.release}-iso-${timestamp(builtAt)}`;
  const tree = path.join(osDir, treeName);
  const osimageDir = path.join("initrd", "osimage", os.distro, os.arch, os.release);
  const osimage = `${dateStamp(builtAt)}.${nextIndex(inputs.existingOsimages, dateStamp(builtAt))}.cgz`;
  const moves: LayoutPlan["moves"] = [];
  const links: LayoutPlan["links"] = [];
  if (staged.includes("rootfs")) {
    moves.push({ from: "rootfs", to: tree });
    links.push({ path: path.join(osDir, `${os.release}-iso`), target: treeName });
    links.push({ path: path.join(osDir, os.release), target: `${os.release}-iso` });
    if (kernelVersion)
      links.push({ path: path.join(tree, "boot", "vmlinuz"), target: `vmlinuz-${kernelVersion}` });
  }
  if (staged.includes("modules.cgz") && kernelVersion) {
    const bootDir = staged.includes("rootfs") ? path.join(tree, "boot") : path.join(osimageDir, "boot");
    moves.push({ from: "modules.cgz", to: path.join(bootDir, `modules-${kernelVersion}.cgz`) });
    links.push({ path: path.join(bootDir, "modules.cgz"), target: `modules-${kernelVersion}.cgz` });
  }
  if (staged.includes("rootfs.cgz")) {
    moves.push({ from: "rootfs.cgz", to: path.join(osimageDir, osimage) });
    links.push({ path: path.join(osimageDir, "current"), target: osimage });
  }
  // compass-ci has no place for these; they sit under builds/, named like the tree, with the manifest.
  const extrasDir = path.join("builds", os.distro, os.arch, treeName);
  for (const from of staged) {
    if (from === "vmlinuz" || from === "initrd.img" || from === "disk.qcow2") {
      moves.push({ from, to: path.join(extrasDir, from) });
    }
    if (from === "rootfs.tar") moves.push({ from, to: path.join(extrasDir, inputs.tarballName ?? from) });
  }
  return { moves, links, manifest: path.join(extrasDir, "manifest.json") };
}

/** The compass-ci tree timestamp, to the second: 20211210150500. */
function timestamp(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function dateStamp(at: Date): string {
  return timestamp(at).slice(0, 8);
}

function nextIndex(existing: string[], date: string): number {
  const taken = existing
    .map((name) => new RegExp(`^${date}\\.(\\d+)\\.cgz$`).exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return taken.length === 0 ? 0 : Math.max(...taken) + 1;
}
