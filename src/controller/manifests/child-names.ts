import type { BuildContext } from "./build-context.js";
import { childName } from "./names.js";

/** Name of the remastered-ISO PVC and of the prepare Job (and its Secret) that fill it, shared by builds of one ISO. */
export function isoChildName(isoKey: string): string {
  return `rootfs-iso-${isoKey.slice(0, 12)}`;
}

export interface BuildChildren {
  answerSecret: string;
  targetDiskPvc: string;
  installVm: string;
  /** The install Job of the pod runtime; named like the VM, which it replaces. */
  installJob: string;
  extractJob: string;
  isoPvc: string;
  prepareJob: string;
  prepareSecret: string;
}

/** The name of every child of a build, deterministic in (build name, build key, ISO key). */
export function allChildNames(ctx: BuildContext): BuildChildren {
  const build = ctx.build.metadata.name;
  return {
    answerSecret: childName(build, "answer", ctx.key),
    targetDiskPvc: childName(build, "disk", ctx.key),
    installVm: childName(build, "install", ctx.key),
    installJob: childName(build, "install", ctx.key),
    extractJob: childName(build, "extract", ctx.key),
    isoPvc: isoChildName(ctx.isoKey),
    prepareJob: isoChildName(ctx.isoKey),
    prepareSecret: isoChildName(ctx.isoKey),
  };
}
