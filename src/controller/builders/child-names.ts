import type { BuildContext } from "./build-context.js";
import type { OwnerObject } from "./object-meta.js";
import { createHash } from "node:crypto";

/** Name of the remastered-ISO PVC and of the prepare Job that fills it, shared by builds of one ISO. */
export function isoChildName(isoKey: string): string {
  return `rootfs-iso-${isoKey.slice(0, 12)}`;
}

export interface BuildChildren {
  targetDiskPvc: string;
  installVm: string;
  /** The install Job of the pod runtime; named like the VM, which it replaces. */
  installJob: string;
  extractJob: string;
  isoPvc: string;
  prepareJob: string;
}

/** The name of every child of a build, deterministic in (build name, build key, ISO key). */
export function allChildNames(ctx: BuildContext): BuildChildren {
  const build = ctx.build.metadata.name;
  return {
    targetDiskPvc: childName(build, "disk", ctx.key),
    installVm: childName(build, "install", ctx.key),
    installJob: childName(build, "install", ctx.key),
    extractJob: childName(build, "extract", ctx.key),
    isoPvc: isoChildName(ctx.isoKey),
    prepareJob: isoChildName(ctx.isoKey),
  };
}

// The operator creates its Secrets but never reads them, so it cannot check who made one. Their names
// carry the uid of the PVC that owns them: nobody knows it before that PVC exists, so nobody can put a
// Secret of their own, ahead of the build, where its VM or Job will mount one.

/** The answer Secret of the target disk `targetDiskPvc` (as read back, with its uid). */
export function answerSecretName(ctx: BuildContext, targetDiskPvc: OwnerObject): string {
  return childName(ctx.build.metadata.name, "answer", uidPart(targetDiskPvc));
}

/** The prepare Secret of the ISO PVC `isoPvc` (as read back, with its uid). */
export function prepareSecretName(ctx: BuildContext, isoPvc: OwnerObject): string {
  return `${isoChildName(ctx.isoKey)}-${uidPart(isoPvc).slice(0, 8)}`;
}

function uidPart(owner: OwnerObject): string {
  const uid = owner.metadata.uid?.replace(/[^a-z0-9]/g, "");
  if (!uid) throw new Error(`${owner.metadata.name} has no uid; read it from the apiserver`);
  return uid;
}

const maxNameLength = 63;

/**
 * Deterministic child names: `<build>-<step>-<key8>`, shortened with a hash of the whole name when
 * too long. The same build, step and build key always give the same name, so a restart finds (and
 * adopts) what the previous run created instead of making a twin.
 */
export function childName(build: string, step: string, key: string): string {
  const full = `${build}-${step}-${key.slice(0, 8)}`;
  if (full.length <= maxNameLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const keep = maxNameLength - step.length - hash.length - 2;
  return `${build.slice(0, keep).replace(/-+$/, "")}-${step}-${hash}`;
}
