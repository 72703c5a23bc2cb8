import { readFile } from "node:fs/promises";
import type { IsoBootLayout } from "./iso-layout.js";
import { tokenizeCmdline } from "./kernel-cmdline.js";
import { extractFromIso } from "./xorriso.js";

// What an ISO is, from its files and the kernel arguments of its boot menus: an installer of one family,
// or a live image that boots a desktop instead of installing. The remaster step refuses what the build's
// installer profile cannot drive (see steps/unattended-iso.ts) before anything is written or booted.

export type InstallerFamily = "anaconda" | "debian-installer" | "subiquity";

export interface MediaFacts {
  files: readonly string[];
  /** Every argument of every kernel line (grub linux/linuxefi, isolinux append) in the boot menus. */
  kernelArgs: ReadonlySet<string>;
}

export type MediaKind =
  | { kind: "installer"; family: InstallerFamily; evidence: string }
  | { kind: "live"; family: InstallerFamily | undefined; evidence: string }
  | { kind: "unknown" };

/** Reads the boot menus of a probed ISO and collects its facts. */
export async function mediaFacts(iso: string, layout: IsoBootLayout, workDir: string): Promise<MediaFacts> {
  const configs = [...layout.isolinuxConfigs, ...layout.grubConfigs];
  const locals = await extractFromIso(iso, configs, workDir);
  const kernelArgs = new Set<string>();
  for (const local of locals.values()) {
    for (const line of (await readFile(local, "utf8")).split(/\r?\n/)) {
      const kernel = /^\s*(?:linux|linuxefi|linux16|append)\s+(.*)$/i.exec(line);
      if (!kernel) continue;
      for (const token of tokenizeCmdline(kernel[1] ?? "", "grub")) kernelArgs.add(token.value);
    }
  }
  return { files: layout.files, kernelArgs };
}

const has = (facts: MediaFacts, pattern: RegExp) => facts.files.find((file) => pattern.test(file));
const arg = (facts: MediaFacts, pattern: RegExp) => [...facts.kernelArgs].find((a) => pattern.test(a));

/** Classifies the ISO: an installer's own marks win, then a live image's; the first evidence found is kept. */
export function classifyMedia(facts: MediaFacts): MediaKind {
  const stage2 = arg(facts, /^inst\.(stage2|repo)=/);
  if (stage2) return { kind: "installer", family: "anaconda", evidence: `boot argument ${stage2}` };
  const liveArg = arg(facts, /^(root=live:|rd\.live\.image$)/);
  const liveOs = has(facts, /^LiveOS\/squashfs\.img$/i);
  if (liveArg || liveOs) {
    const evidence = [
      liveArg && `boot argument ${liveArg}`,
      liveOs && `${liveOs} without an installer stage2 (inst.stage2=)`,
    ];
    return { kind: "live", family: "anaconda", evidence: evidence.filter(Boolean).join(", ") };
  }
  const debianLive = arg(facts, /^boot=live$/);
  if (debianLive)
    return { kind: "live", family: "debian-installer", evidence: `boot argument ${debianLive}` };
  const di = has(facts, /^install(\.[a-z0-9]+)?\/vmlinuz$/i);
  if (di) return { kind: "installer", family: "debian-installer", evidence: di };
  const casper = has(facts, /^casper\/(hwe-)?vmlinuz$/i);
  if (casper) return { kind: "installer", family: "subiquity", evidence: casper };
  const anaconda = has(facts, /^images\/pxeboot\/vmlinuz$/i);
  if (anaconda) return { kind: "installer", family: "anaconda", evidence: anaconda };
  return { kind: "unknown" };
}

/** Kernel and initrd files each family boots; an ISO of that family without them cannot install. */
export const bootFilesOf: Record<InstallerFamily, { kernel: RegExp; initrd: RegExp; where: string }> = {
  anaconda: {
    kernel: /^(images\/pxeboot|isolinux)\/vmlinuz$/i,
    initrd: /^(images\/pxeboot|isolinux)\/initrd\.img$/i,
    where: "images/pxeboot/vmlinuz and initrd.img",
  },
  "debian-installer": {
    kernel: /^install(\.[a-z0-9]+)?\/vmlinuz$/i,
    initrd: /^install(\.[a-z0-9]+)?\/initrd\.gz$/i,
    where: "install.<arch>/vmlinuz and initrd.gz",
  },
  subiquity: {
    kernel: /^casper\/(hwe-)?vmlinuz$/i,
    initrd: /^casper\/(hwe-)?initrd(\.[a-z]+)?$/i,
    where: "casper/vmlinuz and initrd",
  },
};

/** The boot files of `family` the ISO lacks, as a phrase, or undefined when both are there. */
export function missingBootFiles(facts: MediaFacts, family: InstallerFamily): string | undefined {
  const wanted = bootFilesOf[family];
  const kernel = has(facts, wanted.kernel);
  const initrd = has(facts, wanted.initrd);
  if (kernel && initrd) return undefined;
  return `${[!kernel && "kernel", !initrd && "initrd"].filter(Boolean).join(" and ")} (looked for ${wanted.where})`;
}
