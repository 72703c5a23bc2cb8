import { parseArgs } from "node:util";
import { readBuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check a RootfsBuild YAML file against the API schema",
  usage: "rootfs validate -f build.yaml",
  async run(args) {
    const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" } } });
    if (!values.file) throw new UsageError("-f FILE is required");
    const { build } = await readBuildFile(values.file);
    const { distro, release, arch } = build.spec.os;
    console.log(`${values.file}: RootfsBuild ${build.metadata.name} (${distro} ${release} ${arch}) is valid`);
    return 0;
  },
};
