import { parseArgs } from "node:util";
import { planAnswerFile } from "../../plan/answer-plan.js";
import { readBuildFile } from "../build-file.js";
import { buildFromFlags, sourceFlags } from "../build-flags.js";
import type { Command } from "../command.js";

export const answerFileCommand: Command = {
  name: "answer-file",
  summary: "Print the answer file (kickstart, preseed or autoinstall) a build would use",
  usage:
    "rootfs answer-file -f build.yaml | --distro openeuler --release 24.03-LTS --arch x86_64 [--package P ...]",
  async run(args) {
    const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" }, ...sourceFlags } });
    const { build, refs } = values.file ? await readBuildFile(values.file) : buildFromFlags(values);
    const plan = await planAnswerFile(build.spec, refs);
    for (const file of plan.answerFile.files) {
      if (plan.answerFile.files.length > 1) process.stdout.write(`# ---- ${file.path}\n`);
      process.stdout.write(file.content);
    }
    return 0;
  },
};
