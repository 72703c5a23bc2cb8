import { parseArgs } from "node:util";
import { planAnswerFile } from "../../plan/answer-plan.js";
import { writeAnswerVolume } from "../../steps/unattended-iso.js";
import { readBuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";

export const answerVolumeCommand: Command = {
  name: "answer-volume",
  summary: "Write the small side volume (OEMDRV or cidata) that carries a build's answer file",
  usage: "rootfs answer-volume -f build.yaml --out ks.iso",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { file: { type: "string", short: "f" }, out: { type: "string" } },
    });
    if (!values.file || !values.out) throw new UsageError("-f and --out are required");
    const { build, refs } = await readBuildFile(values.file);
    const plan = await planAnswerFile(build.spec, refs);
    const written = await writeAnswerVolume(plan, values.out);
    if (!written) {
      console.error(
        `${build.spec.os.distro} reads its answer file from the installer ISO itself: use rootfs remaster, which embeds it.`,
      );
      return 1;
    }
    const label = plan.volume.kind === "side-volume" ? plan.volume.label : "";
    console.log(`Wrote ${written} (label ${label}: ${plan.answerFile.files.map((f) => f.path).join(", ")})`);
    return 0;
  },
};
