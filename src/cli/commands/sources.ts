import { parseArgs } from "node:util";
import { arches, distros, type Distro } from "../../api/common.js";
import { releaseSummary, supportedReleases } from "../../installers/releases.js";
import { editionsOf, hasDailyBuilds, layoutFor, type SourceLayout } from "../../sources/index.js";
import { UsageError, type Command } from "../command.js";

export const sourcesCommand: Command = {
  name: "sources",
  summary: "List the distributions' own ISOs that builds can name without a URL",
  usage: "rootfs sources [--distro D]",
  run(args) {
    const { values } = parseArgs({ args, options: { distro: { type: "string" } } });
    const wanted = values.distro;
    if (wanted !== undefined && !isDistro(wanted))
      throw new UsageError(`unknown distro "${wanted}": use one of ${distros.join(", ")}`);
    for (const distro of wanted ? [wanted] : distros) console.log(describe(distro).join("\n"));
    console.log(
      "Build one with: rootfs build --distro D --release R [--arch A] [--edition E] [--mirror URL] --out DIR [--dry-run]\n" +
        "or in a RootfsBuild: spec.source.official: { edition, mirror }. A mirror replaces the root URL shown.",
    );
    return Promise.resolve(0);
  },
};

function describe(distro: Distro): string[] {
  const editions = editionsOf(distro);
  const lines = [`${distro}`, `  releases  ${releaseSummary(distro)}`];
  if (editions.length === 0) {
    return [
      ...lines,
      "  (no official source: its ISOs need an account to download; use spec.source.iso.url)",
      "",
    ];
  }
  const release = supportedReleases(distro).at(-1) ?? "";
  lines.push(`  editions  ${editions.join(", ")} (default ${editions[0]})`);
  for (const arch of arches) {
    const [first, ...others] = locations(layoutFor({ distro, release, arch }).layout);
    lines.push(`  ${arch.padEnd(8)}  ${first}`, ...others.map((where) => `            or ${where}`));
  }
  if (hasDailyBuilds(distro)) {
    const [where] = locations(layoutFor({ distro, release, arch: "x86_64", daily: true }).layout);
    lines.push(`  daily     ${where} (--daily; spec.source.official.daily)`);
  }
  return [...lines, ""];
}

/** The URLs a layout names: its fixed ISO, or the directories it lists (the first with what it wants). */
function locations(layout: SourceLayout): string[] {
  const { root, find } = layout;
  if (find.kind === "fixed") return [`${root}/${find.dir}${find.picked.iso}`];
  return find.dirs.map((dir, i) => `${root}/${dir}${i === 0 ? ` (newest ${find.wanted})` : ""}`);
}

function isDistro(value: string): value is Distro {
  return (distros as readonly string[]).includes(value);
}
