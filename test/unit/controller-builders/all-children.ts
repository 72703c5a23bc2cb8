// Every child object of a build context, keyed like allChildNames() plus the two Secrets, for tests that
// check them all.
import {
  allChildNames,
  answerSecret,
  answerSecretName,
  extractJob,
  installJob,
  installVm,
  isoPvc,
  prepareJob,
  prepareSecret,
  prepareSecretName,
  resolveStorage,
  targetDiskPvc,
  type BuildChildren,
  type BuildContext,
  type ChildMeta,
  type Job,
} from "../../../src/controller/builders/index.js";

export const isoSizeBytes = 4_400_000_000;

export type ChildObject = { apiVersion: string; kind: string; metadata: ChildMeta };
export type ChildId = keyof BuildChildren | "answerSecret" | "prepareSecret";

/** Uids the apiserver would give the PVCs the Secrets depend on. */
export const pvcUids = { targetDiskPvc: "uid-target-disk", isoPvc: "uid-iso" } as const;

const created = <T extends ChildObject>(object: T, uid: string): T => ({
  ...object,
  metadata: { ...object.metadata, uid },
});
/** The target disk and the ISO PVC as read back from the apiserver (with their uids). */
export const createdDisk = (ctx: BuildContext) => created(targetDiskPvc(ctx), pvcUids.targetDiskPvc);
export const createdIso = (ctx: BuildContext) => created(isoPvc(ctx, isoSizeBytes), pvcUids.isoPvc);

export const prepareJobFor = (ctx: BuildContext): Job =>
  prepareJob(ctx, { ...createdIso(ctx), isoBytes: isoSizeBytes });
export const extractJobFor = (ctx: BuildContext): Job =>
  extractJob(ctx, { storage: resolveStorage(ctx.build, ctx.config), targetDiskPvc: createdDisk(ctx) });

export function allChildren(ctx: BuildContext): Record<ChildId, ChildObject> {
  return {
    answerSecret: answerSecret(ctx, createdDisk(ctx)),
    targetDiskPvc: targetDiskPvc(ctx),
    installVm: installVm(ctx, createdDisk(ctx)),
    installJob: installJob(ctx, { targetDiskPvc: createdDisk(ctx) }),
    extractJob: extractJobFor(ctx),
    isoPvc: isoPvc(ctx, isoSizeBytes),
    prepareJob: prepareJobFor(ctx),
    prepareSecret: prepareSecret(ctx, createdIso(ctx)),
  };
}

/** The name of every child, the Secrets' included. */
export function allNames(ctx: BuildContext): Record<ChildId, string> {
  return {
    ...allChildNames(ctx),
    answerSecret: answerSecretName(ctx, createdDisk(ctx)),
    prepareSecret: prepareSecretName(ctx, createdIso(ctx)),
  };
}

/**
 * The objects owned by one build (controller reference), those shared by builds of one ISO, and the
 * Secrets, which depend on a PVC (their controller) and go with it.
 */
export const buildOwned = ["targetDiskPvc", "installVm", "installJob", "extractJob"] as const;
export const shared = ["isoPvc", "prepareJob"] as const;
export const dependents = { answerSecret: "targetDiskPvc", prepareSecret: "isoPvc" } as const;
