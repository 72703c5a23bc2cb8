import type { BuildContext } from "./build-context.js";
import { allChildNames } from "./child-names.js";
import type { PersistentVolumeClaim } from "./core-types.js";
import { storageClass } from "./iso-pvc.js";
import { buildChildMeta } from "./object-meta.js";

/**
 * The blank disk the installer installs onto. Left empty: KubeVirt creates a sparse disk.img in an empty
 * Filesystem PVC (minus its filesystem-overhead allowance), and the extract Job reads that file.
 */
export function targetDiskPvc(ctx: BuildContext): PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: buildChildMeta(ctx, allChildNames(ctx).targetDiskPvc, "disk"),
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: ctx.build.spec.install.diskSize } },
      ...storageClass(ctx),
    },
  };
}
