import type { BuildContext } from "./build-context.js";
import { allChildNames } from "./child-names.js";
import type { PersistentVolumeClaim } from "./core-types.js";
import { sharedChildMeta } from "./object-meta.js";

const gi = 2 ** 30;

/**
 * The PVC the prepare Job writes the remastered ISO into (as disk.img, where KubeVirt looks for it) and
 * install VMs read it from. Shared by every build of the same ISO key in the namespace.
 */
export function isoPvc(ctx: BuildContext, isoSizeBytes: number): PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: sharedChildMeta(ctx, allChildNames(ctx).isoPvc, "iso"),
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: isoPvcSize(isoSizeBytes) } },
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

export function storageClass(ctx: BuildContext): { storageClassName?: string } {
  const name = ctx.config.storageClassName;
  return name ? { storageClassName: name } : {};
}
