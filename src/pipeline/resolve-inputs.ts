import { createHash } from "node:crypto";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import { InstallerInputError } from "../installers/index.js";
import {
  planAnswerFile,
  UnresolvedReference,
  type AnswerPlan,
  type MirrorRoute,
  type RefResolver,
} from "./answer-plan.js";
import { buildKey } from "./build-key.js";
import { expectedDigest } from "../steps/fetch/index.js";
import { StepFailure } from "../steps/failure.js";
import { errorText } from "../steps/files.js";

/** What a build's identity is made of, resolved without downloading the ISO. */
export interface BuildInputs {
  key: string;
  sourceSHA256: string;
  plan?: AnswerPlan;
}

/**
 * Resolves the source digest (a literal, or the line of a checksum file), renders the answer file
 * and computes the build key. Sources without a checksum (insecureSkipChecksum) are identified by URL.
 */
export async function resolveInputs(
  build: RootfsBuild,
  refs: RefResolver,
  route?: MirrorRoute,
): Promise<BuildInputs> {
  const { spec } = build;
  const iso = spec.source.iso;
  const source = iso ?? spec.source.disk;
  if (!source) throw new StepFailure("InvalidSpec", "spec.source needs iso or disk");
  const digest = await expectedDigest({
    ...source,
    checksumURL: iso?.checksumURL,
    insecureSkipChecksum: iso?.insecureSkipChecksum,
  });
  const sourceSHA256 = digest ?? createHash("sha256").update(`url:${source.url}`).digest("hex");
  const plan = iso ? await planOrFail(build, refs, route) : undefined;
  const key = buildKey({
    sourceSHA256,
    os: spec.os,
    profile: plan?.profileId ?? "disk",
    answerFiles: plan?.answerFile.files ?? [],
    install: { rootFsType: spec.install.rootFsType, diskSize: spec.install.diskSize },
    outputs: spec.outputs,
  });
  return { key, sourceSHA256, plan };
}

async function planOrFail(build: RootfsBuild, refs: RefResolver, route?: MirrorRoute): Promise<AnswerPlan> {
  try {
    return await planAnswerFile(build.spec, refs, route);
  } catch (err) {
    if (err instanceof InstallerInputError) throw new StepFailure(err.reason, err.message, { cause: err });
    if (err instanceof UnresolvedReference)
      throw new StepFailure("ReferenceNotFound", errorText(err), { cause: err });
    throw err;
  }
}
