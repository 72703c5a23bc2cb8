import type { RootfsBuild } from "../api/rootfsbuild.js";
import { planAnswerFile, type RefResolver } from "../plan/answer-plan.js";
import type { OfficialSource } from "../sources/index.js";

/** What `rootfs build --dry-run` shows: the build as it would run, with nothing downloaded. */
export async function printPlan(opts: {
  build: RootfsBuild;
  refs: RefResolver;
  official?: OfficialSource;
  outDir: string;
}): Promise<void> {
  const { build, official, outDir } = opts;
  const { spec } = build;
  const plan = spec.source.iso ? await planAnswerFile(spec, opts.refs) : undefined;
  const iso = spec.source.iso;
  const outputs = Object.entries({
    nfsroot: spec.outputs.nfsroot,
    [`cgz (${spec.outputs.cgz.compression})`]: spec.outputs.cgz.enabled,
    kernel: spec.outputs.kernel,
    [`tarball (${spec.outputs.tarball.compression})`]: spec.outputs.tarball.enabled,
    qcow2: spec.outputs.qcow2,
  })
    .filter(([, on]) => on)
    .map(([what]) => what);
  const rows: [string, string | undefined][] = [
    ["os", `${spec.os.distro} ${spec.os.release} ${spec.os.arch}`],
    [
      "edition",
      official &&
        `${official.edition} (official source${official.read.length > 0 ? `, read ${official.read.join(", ")}` : ""})`,
    ],
    ["ISO", iso?.url ?? spec.source.disk?.url],
    ["checksum", iso?.checksumURL ?? iso?.checksum ?? spec.source.disk?.checksum],
    [
      "installer",
      plan &&
        `${plan.profileId}: ${plan.answerFile.files.map((f) => f.path).join(", ")}${plan.volume.kind === "side-volume" ? ` on a side volume labelled ${plan.volume.label}` : " embedded in the ISO"}`,
    ],
    ["outputs", `${outputs.join(", ")} in ${outDir} (layout ${spec.outputs.layout})`],
  ];
  console.log(`Build ${build.metadata.name} (dry run: nothing downloaded, nothing written)`);
  for (const [label, value] of rows) if (value !== undefined) console.log(`  ${label.padEnd(9)} ${value}`);
}
