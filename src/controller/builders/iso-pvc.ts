import type { V1PersistentVolumeClaim, V1PersistentVolumeClaimSpec } from "@kubernetes/client-node";
import type { BuildContext } from "./build-context.js";
import { allChildNames } from "./child-names.js";
import { sharedChildMeta, type Child, type With } from "./object-meta.js";

const gi = 2 ** 30;

/** The ISO and target disk PVCs. */
export type ChildPvc = With<
  Child<V1PersistentVolumeClaim, "v1", "PersistentVolumeClaim">,
  { spec: V1PersistentVolumeClaimSpec }
>;

/**
 * The PVC the prepare Job writes the remastered ISO into (as disk.img, where KubeVirt looks for it) and
 * install VMs read it from. Shared by every build of the same ISO key in the namespace.
 */
export function isoPvc(ctx: BuildContext, isoSizeBytes: number): ChildPvc {
  return filesystemPvc(ctx, sharedChildMeta(ctx, allChildNames(ctx).isoPvc, "iso"), isoPvcSize(isoSizeBytes));
}

/** A ReadWriteOnce Filesystem PVC of `storage`, in the operator's storage class if it names one. */
export function filesystemPvc(ctx: BuildContext, metadata: ChildPvc["metadata"], storage: string): ChildPvc {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata,
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage } },
      ...storageClass(ctx),
    },
  };
}

/** 10% headroom for the remaster (answer files, patched boot images) plus 1Gi for filesystem overhead. */
export function isoPvcSize(isoSizeBytes: number): string {
  if (!Number.isFinite(isoSizeBytes) || isoSizeBytes <= 0) {
    throw new Error(`ISO size must be a positive number of bytes, got ${isoSizeBytes}`);
  }
  return `${Math.ceil((isoSizeBytes * 1.1 + gi) / gi)}Gi`;
}

function storageClass(ctx: BuildContext): { storageClassName?: string } {
  const name = ctx.config.storageClassName;
  return name ? { storageClassName: name } : {};
}
