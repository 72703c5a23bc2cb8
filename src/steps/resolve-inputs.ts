import { createHash } from "node:crypto";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import { InstallerInputError } from "../installers/index.js";
import {
  planAnswerFile,
  UnresolvedReference,
  type AnswerPlan,
  type MirrorRoute,
  type RefResolver,
} from "../plan/answer-plan.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import { buildKey } from "../plan/build-key.js";
import { checkUrl, expectedDigest, trustingPolicy, type SourcePolicy } from "./fetch/index.js";
import { StepFailure } from "../reasons/step-failure.js";
import { errorText } from "../lib/files.js";

export interface ResolveOptions {
  policy: SourcePolicy;
  /**
   * The source digest resolved when the generation started: the answer file is rendered again, but
   * the checksum file is not read again.
   */
  pinnedSHA256?: string;
  /** How the install VM reaches spec.install.network.mirror (default: as written, from a pod network). */
  route?: MirrorRoute;
}

/**
 * Resolves the source digest (a literal, or the line of a checksum file), renders the answer file
 * and computes the build key. Sources without a checksum (insecureSkipChecksum) are identified by URL.
 */
export async function resolveInputs(
  build: RootfsBuild,
  refs: RefResolver,
  opts: ResolveOptions = { policy: trustingPolicy },
): Promise<BuildInputs> {
  const { spec } = build;
  const iso = spec.source.iso;
  const source = iso ?? spec.source.disk;
  if (!source) throw new StepFailure("InvalidSpec", "spec.source needs iso or disk");
  checkUrl(new URL(source.url), opts.policy);
  const digest = await expectedDigest(
    {
      url: source.url,
      checksum: opts.pinnedSHA256 ? `sha256:${opts.pinnedSHA256}` : source.checksum,
      checksumURL: iso?.checksumURL,
      insecureSkipChecksum: iso?.insecureSkipChecksum,
    },
    { policy: opts.policy, maxRedirects: 5, stallTimeoutMs: 30_000 },
  );
  const sourceSHA256 = digest ?? createHash("sha256").update(`url:${source.url}`).digest("hex");
  const plan = iso ? await planOrFail(build, refs, opts.route) : undefined;
  const key = buildKey({
    sourceSHA256,
    os: spec.os,
    profile: plan?.profileId ?? "disk",
    answerFiles: plan?.answerFile.files ?? [],
    install: { rootFsType: spec.install.rootFsType, diskSize: spec.install.diskSize },
    outputs: spec.outputs,
  });
  return {
    key,
    sourceURL: source.url,
    sourceSHA256,
    pinnedChecksum: digest && `sha256:${digest}`,
    plan,
  };
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
