import { parseArgs } from "node:util";
import { formatBootConfigChanges } from "../../iso/index.js";
import { planAnswerFile } from "../../plan/answer-plan.js";
import { sha256OfFile } from "../../lib/files.js";
import { remasterForPlan } from "../../steps/unattended-iso.js";
import { readBuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";
import { ProgressPrinter } from "../progress-printer.js";

export const remasterCommand: Command = {
  name: "remaster",
  summary: "Write an ISO that installs unattended, and print what changed, entry by entry",
  usage: "rootfs remaster --iso in.iso --out out.iso -f build.yaml",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { iso: { type: "string" }, out: { type: "string" }, file: { type: "string", short: "f" } },
    });
    if (!values.iso || !values.out || !values.file) throw new UsageError("--iso, --out and -f are required");
    const { build, refs } = await readBuildFile(values.file);
    const plan = await planAnswerFile(build.spec, refs);
    const printer = new ProgressPrinter();
    const result = await remasterForPlan({
      sourceIso: values.iso,
      sourceSHA256: await sha256OfFile(values.iso),
      plan,
      output: values.out,
      onProgress: printer.listener,
    });
    printer.say(`Wrote ${values.out} (volume id ${result.volumeId})`);
    for (const line of formatBootConfigChanges(result.changes)) console.log(line);
    if (plan.volume.kind === "side-volume") {
      console.log(
        `The answer file is not on the ISO: write its "${plan.volume.label}" volume with rootfs answer-volume -f ${values.file} --out ks.iso and attach both.`,
      );
    }
    return 0;
  },
};
