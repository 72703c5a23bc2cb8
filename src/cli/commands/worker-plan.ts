import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { OsIdentity } from "../../api/common.js";
import { answerFileNameFor, answerVolumeFor, profileFor } from "../../installers/index.js";
import { profileIdOf, type AnswerPlan } from "../../plan/answer-plan.js";
import { StepFailure } from "../../reasons/step-failure.js";

/**
 * The answer plan as far as a worker needs it, from a mounted Secret: the profile shapes the boot
 * arguments and the answer volume, and the files beside `configKey` are the answer files (the prepare
 * Secret holds them only when the ISO embeds them; the answer Secret always). The worker never sees the
 * password Secret: a root password is already in those files.
 */
export async function answerPlanFromDir(
  os: OsIdentity,
  configDir: string,
  configKey: string,
): Promise<AnswerPlan> {
  const profile = profileFor(os.distro, os.release, os.arch);
  const volume = answerVolumeFor(profile);
  const names = (await readdir(configDir)).filter((n) => !n.startsWith(".") && n !== configKey);
  const files = await Promise.all(
    names.map(async (n) => ({ path: n, content: await readFile(path.join(configDir, n), "utf8") })),
  );
  const fileName = answerFileNameFor(profile);
  if (volume.kind === "embedded" && !names.includes(fileName))
    throw new StepFailure("AnswerFileInvalid", `No ${fileName} to embed in ${configDir}`);
  return {
    profile,
    profileId: profileIdOf(profile),
    answerFile: { fileName, files },
    volume,
    rootPassword: { kind: "locked" },
  };
}
