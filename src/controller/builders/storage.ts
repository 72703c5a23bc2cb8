import type { RootfsBuildSpec } from "../../api/rootfsbuild-spec.js";
import type { RootfsBuild } from "../../api/rootfsbuild.js";
import { TerminalError } from "../../runtime/reconcile.js";
import type { OperatorConfig } from "../config.js";

export type S3Storage = NonNullable<NonNullable<RootfsBuildSpec["storage"]>["s3"]>;

/** Where the extract Job publishes: a PVC, an S3 bucket, or both. */
export interface ResolvedStorage {
  pvc?: { claimName: string; subPath: string };
  s3?: S3Storage;
}

/** The build's spec.storage, else the operator's defaultStorage; a TerminalError when neither says where. */
export function resolveStorage(build: RootfsBuild, config: OperatorConfig): ResolvedStorage {
  const storage: ResolvedStorage = build.spec.storage ?? config.defaultStorage;
  if (storage.pvc === undefined && storage.s3 === undefined) {
    throw new TerminalError(
      `RootfsBuild ${build.metadata.namespace}/${build.metadata.name} has nowhere to publish: ` +
        "set spec.storage.pvc or spec.storage.s3, or configure the operator's defaultStorage",
    );
  }
  return storage;
}

/** What a build says while its storage PVC does not exist. */
export function waitingForStoragePvc(namespace: string, claimName: string): string {
  return (
    `Waiting for PersistentVolumeClaim ${namespace}/${claimName}, where the outputs go: ` +
    "create it, or point spec.storage.pvc.claimName (or the operator's defaultStorage) at an existing one"
  );
}
