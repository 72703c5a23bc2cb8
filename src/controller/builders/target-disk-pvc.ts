import type { BuildContext } from "./build-context.js";
import { allChildNames } from "./child-names.js";
import { filesystemPvc, type ChildPvc } from "./iso-pvc.js";
import { buildChildMeta } from "./object-meta.js";

/**
 * The blank disk the installer installs onto. Left empty: KubeVirt creates a sparse disk.img in an empty
 * Filesystem PVC (minus its filesystem-overhead allowance), and the extract Job reads that file.
 */
export function targetDiskPvc(ctx: BuildContext): ChildPvc {
  const metadata = buildChildMeta(ctx, allChildNames(ctx).targetDiskPvc, "disk");
  return filesystemPvc(ctx, metadata, ctx.build.spec.install.diskSize);
}
