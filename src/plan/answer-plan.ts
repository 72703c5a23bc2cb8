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
  /** Where the answer file goes on the distribution's install discs; the remaster step adapts it to the medium. */
  volume: AnswerVolume;
  rootPassword: AnswerFileRequest["rootPassword"];
  /** The answer file installs without a network, from the medium; undefined where the spec is not known. */
  offline?: boolean;
}

/**
 * The mirror URL as the install VM reaches it, given the URL in the spec: the same URL from a cluster's pod
 * network; an address of the local VM's restricted network (see steps/qemu/mirror-relay.ts) on this machine.
 */
export type MirrorRoute = (specUrl: string) => string;

export const directRoute: MirrorRoute = (url) => url;

/** Resolves the spec's references and renders its answer file; throws InstallerInputError on bad input. */
export async function planAnswerFile(
  spec: RootfsBuildSpec,
  refs: RefResolver,
  route: MirrorRoute = directRoute,
): Promise<AnswerPlan> {
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
    ...(install.network && {
      mirror: {
        url: route(install.network.mirror),
        insecureSkipSignature: install.network.insecureSkipSignature,
      },
    }),
  };
  return {
    profile,
    profileId: profileIdOf(profile),
    answerFile: answerFileFor(profile, request),
    volume: answerVolumeFor(profile),
    rootPassword,
    offline: request.mirror === undefined,
  };
}

/** The kernel arguments that point a remastered ISO's boot entries at the answer file where `volume` puts it. */
export function bootArgsOf(plan: AnswerPlan, isoLabel: string, volume = plan.volume): BootArgEdit {
  const answerVolumeLabel = volume.kind === "side-volume" ? volume.label : isoLabel;
  return bootArgsFor(plan.profile, plan.profile.arch, { answerVolumeLabel, isoLabel }, volume);
}

export function profileIdOf(profile: InstallerProfile): string {
  return `${profile.kind}/${profile.distro}/${profile.release}/${profile.arch}`;
}
