import { parseArgs } from "node:util";
import { InvalidObjectError } from "../../api/validate.js";
import type { RootfsBuild } from "../../api/rootfsbuild.js";
import { InstallerInputError } from "../../installers/index.js";
import { planAnswerFile, UnresolvedReference, type RefResolver } from "../../plan/answer-plan.js";
import { layoutFor } from "../../sources/index.js";
import { StepFailure } from "../../reasons/step-failure.js";
import { readBuildFile } from "../build-file.js";
import { UsageError, type Command } from "../command.js";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check a RootfsBuild file as rootfs build and the operator would, naming every bad field",
  usage: "rootfs validate -f build.yaml",
  async run(args) {
    const { values } = parseArgs({ args, options: { file: { type: "string", short: "f" } } });
    if (!values.file) throw new UsageError("-f FILE is required");
    // The API schema and its CEL rules (names, releases per distribution, editions), as the apiserver checks them.
    const { build, refs } = await readBuildFile(values.file);
    const problems = await buildProblems(build, refs);
    if (problems.length > 0) throw new InvalidObjectError(values.file, problems);
    const { distro, release, arch } = build.spec.os;
    console.log(`${values.file}: RootfsBuild ${build.metadata.name} (${distro} ${release} ${arch}) is valid`);
    return 0;
  },
};

/**
 * What the build would fail on before downloading anything: its references (Secrets and ConfigMaps, from
 * the same file), its answer file (rendered and checked), and its official source, each by field.
 */
export async function buildProblems(build: RootfsBuild, refs: RefResolver): Promise<string[]> {
  const problems: string[] = [];
  const { spec } = build;
  try {
    await planAnswerFile(spec, refs);
  } catch (err) {
    if (err instanceof UnresolvedReference) {
      const field = err.message.startsWith("Secret")
        ? "spec.install.rootPassword.secretKeyRef"
        : "spec.install.answerFile.configMapRef";
      problems.push(`${field}: ${err.message}`);
    } else if (err instanceof InstallerInputError) {
      const field = err.reason === "AnswerFileInvalid" ? "spec.install.answerFile" : "spec.os";
      problems.push(`${field}: ${err.message}`);
    } else throw err;
  }
  const official = spec.source.official;
  if (official) {
    try {
      layoutFor({ ...spec.os, ...official });
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      problems.push(`spec.source.official: ${err.message}`);
    }
  }
  return problems;
}
