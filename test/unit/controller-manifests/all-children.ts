// Every child object of a build context, keyed like allChildNames(), for tests that check them all.
import {
  answerSecret,
  extractJob,
  installJob,
  installVm,
  isoPvc,
  prepareJob,
  prepareSecret,
  resolveStorage,
  targetDiskPvc,
  type BuildChildren,
  type BuildContext,
  type ChildMeta,
} from "../../../src/controller/manifests/index.js";

export const isoSizeBytes = 4_400_000_000;

export type ChildObject = { apiVersion: string; kind: string; metadata: ChildMeta };

/** Uids the apiserver would give the PVCs the Secrets depend on. */
export const pvcUids = { targetDiskPvc: "uid-target-disk", isoPvc: "uid-iso" } as const;

export function allChildren(ctx: BuildContext): Record<keyof BuildChildren, ChildObject> {
  const disk = targetDiskPvc(ctx);
  const iso = isoPvc(ctx, isoSizeBytes);
  const created = <T extends ChildObject>(object: T, uid: string): T => ({
    ...object,
    metadata: { ...object.metadata, uid },
  });
  return {
    answerSecret: answerSecret(ctx, created(disk, pvcUids.targetDiskPvc)),
    targetDiskPvc: disk,
    installVm: installVm(ctx),
    installJob: installJob(ctx),
    extractJob: extractJob(ctx, { storage: resolveStorage(ctx.build, ctx.config) }),
    isoPvc: iso,
    prepareJob: prepareJob(ctx),
    prepareSecret: prepareSecret(ctx, created(iso, pvcUids.isoPvc)),
  };
}

/**
 * The objects owned by one build (controller reference), those shared by builds of one ISO, and the
 * Secrets, which depend on a PVC (their controller) and go with it.
 */
export const buildOwned = ["targetDiskPvc", "installVm", "installJob", "extractJob"] as const;
export const shared = ["isoPvc", "prepareJob"] as const;
export const dependents = { answerSecret: "targetDiskPvc", prepareSecret: "isoPvc" } as const;
