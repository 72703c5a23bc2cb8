// Every child object of a build context, keyed like allChildNames(), for tests that check them all.
import {
  answerSecret,
  extractJob,
  installVm,
  isoPvc,
  prepareJob,
  resolveStorage,
  targetDiskPvc,
  type BuildChildren,
  type BuildContext,
  type ChildMeta,
} from "../../../src/controller/manifests/index.js";

export const isoSizeBytes = 4_400_000_000;

export type ChildObject = { apiVersion: string; kind: string; metadata: ChildMeta };

export function allChildren(ctx: BuildContext): Record<keyof BuildChildren, ChildObject> {
  return {
    answerSecret: answerSecret(ctx),
    targetDiskPvc: targetDiskPvc(ctx),
    installVm: installVm(ctx),
    extractJob: extractJob(ctx, { storage: resolveStorage(ctx.build, ctx.config) }),
    isoPvc: isoPvc(ctx, isoSizeBytes),
    prepareJob: prepareJob(ctx),
  };
}

/** The objects owned by one build (controller reference) and those shared by builds of one ISO. */
export const buildOwned = ["answerSecret", "targetDiskPvc", "installVm", "extractJob"] as const;
export const shared = ["isoPvc", "prepareJob"] as const;
