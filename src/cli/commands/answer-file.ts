import { parseArgs } from "node:util";
import { osIdentity } from "../../api/common.js";
import { rootfsBuildSpec } from "../../api/rootfsbuild-spec.js";
import { parseWith } from "../../api/validate.js";
import { planAnswerFile, UnresolvedReference } from "../../pipeline/answer-plan.js";
import { readBuildFile, type BuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";

export const answerFileCommand: Command = {
  name: "answer-file",
  summary: "Print the answer file (kickstart, preseed or autoinstall) a build would use",
  usage:
    "rootfs answer-file -f build.yaml | --distro openeuler --release 24.03-LTS --arch x86_64 [--package P ...]",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        file: { type: "string", short: "f" },
        distro: { type: "string" },
        release: { type: "string" },
        arch: { type: "string", default: "x86_64" },
        package: { type: "string", multiple: true, default: [] },
      },
    });
    const { build, refs } = values.file ? await readBuildFile(values.file) : fromFlags(values);
    const plan = await planAnswerFile(build.spec, refs);
    for (const file of plan.answerFile.files) {
      if (plan.answerFile.files.length > 1) process.stdout.write(`# ---- ${file.path}\n`);
      process.stdout.write(file.content);
    }
    return 0;
  },
};

function fromFlags(values: {
  distro?: string;
  release?: string;
  arch?: string;
  package?: string[];
}): BuildFile {
  if (!values.distro || !values.release) throw new UsageError("give -f FILE, or --distro and --release");
  const os = parseWith(
    osIdentity,
    { distro: values.distro, release: values.release, arch: values.arch },
    "flags",
  );
  const spec = parseWith(
    rootfsBuildSpec,
    {
      source: { iso: { url: "file:///dev/null", insecureSkipChecksum: true } },
      os,
      install: { packages: values.package },
    },
    "flags",
  );
  const noRefs = () =>
    Promise.reject(new UnresolvedReference("flags cannot name Secrets or ConfigMaps; use -f FILE"));
  return {
    build: { apiVersion: "rootfs.dev/v1alpha1", kind: "RootfsBuild", metadata: { name: "flags" }, spec },
    refs: { secretValue: noRefs, configMapValue: noRefs },
  };
}
