import type { RootfsBuildSpec } from "../api/rootfsbuild-spec.js";
import {
  answerFileFor,
  answerVolumeFor,
  bootArgsFor,
  profileFor,
  type AnswerFile,
  type AnswerFileRequest,
  type AnswerVolume,
  type BootArgEdit,
} from "../installers/index.js";
import type { InstallerProfile } from "../installers/profile.js";

/** Looks up the Secret and ConfigMap values a spec refers to (from the API, or from the build's YAML file). */
/** Resolves a build's references; a reference that cannot be resolved rejects with UnresolvedReference. */
export interface RefResolver {
  secretValue(name: string, key: string): Promise<string>;
  configMapValue(name: string, key: string): Promise<string>;
}

/**
 * A Secret or ConfigMap the spec names is missing, lacks the key, or may not be read: the user's to fix
 * (ReferenceNotFound). Any other error while resolving (the apiserver unreachable) is transient.
 */
export class UnresolvedReference extends Error {
  override readonly name = "UnresolvedReference";
}

/** Everything the remaster and install steps need to know about the answer file of one build. */
export interface AnswerPlan {
  profile: InstallerProfile;
  /** A stable name for the profile, part of the build key and of the remastered ISO's cache key. */
  profileId: string;
  answerFile: AnswerFile;
  volume: AnswerVolume;
  rootPassword: AnswerFileRequest["rootPassword"];
}

/** Resolves the spec's references and renders its answer file; throws InstallerInputError on bad input. */
export async function planAnswerFile(spec: RootfsBuildSpec, refs: RefResolver): Promise<AnswerPlan> {
  const { os, install } = spec;
  const profile = profileFor(os.distro, os.release, os.arch);
  const passwordRef = install.rootPassword?.secretKeyRef;
  const rootPassword: AnswerFileRequest["rootPassword"] = passwordRef
    ? { kind: "hash", hash: (await refs.secretValue(passwordRef.name, passwordRef.key)).trim() }
    : { kind: "locked" };
  const fileRef = install.answerFile?.configMapRef;
  const request: AnswerFileRequest = {
    distro: os.distro,
    release: os.release,
    arch: os.arch,
    packages: install.packages,
    rootPassword,
    selinux: install.selinux,
    rootFsType: install.rootFsType,
    fragments: install.answerFile?.fragments ?? [],
    userAnswerFile: fileRef ? await refs.configMapValue(fileRef.name, fileRef.key) : undefined,
  };
  return {
    profile,
    profileId: profileIdOf(profile),
    answerFile: answerFileFor(profile, request),
    volume: answerVolumeFor(profile),
    rootPassword,
  };
}

/** The kernel arguments that point a remastered ISO's boot entries at the answer file. */
export function bootArgsOf(plan: AnswerPlan, isoLabel: string): BootArgEdit {
  const answerVolumeLabel = plan.volume.kind === "side-volume" ? plan.volume.label : isoLabel;
  return bootArgsFor(plan.profile, plan.profile.arch, { answerVolumeLabel, isoLabel });
}

export function profileIdOf(profile: InstallerProfile): string {
  return `${profile.kind}/${profile.distro}/${profile.release}/${profile.arch}`;
}
