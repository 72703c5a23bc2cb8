import { resolveInputs } from "../../src/steps/resolve-inputs.js";
import { parseRootfsBuild } from "../../src/api/validate.js";
import { imageFor } from "../../src/controller/catalog.js";
import type { RootfsImage } from "../../src/api/rootfsimage.js";
import type { Manifest } from "../../test/helpers/builds.js";

/** The catalog entry an earlier build of `manifest` would have left, so every copy of it is a catalog hit. */
export async function readyImageFor(manifest: Manifest): Promise<RootfsImage> {
  const build = parseRootfsBuild({
    ...manifest,
    metadata: { ...manifest.metadata, namespace: "default", uid: "bench" },
  });
  const noRefs = () => Promise.reject(new Error("the benchmark build has no references"));
  const inputs = await resolveInputs(build, { secretValue: noRefs, configMapValue: noRefs });
  return imageFor(
    build,
    inputs.key,
    inputs.sourceSHA256,
    { kind: "namespace", namespace: "default" },
    {
      artifacts: [{ kind: "cgz", location: "bench/rootfs.cgz", size: 1 << 30, sha256: "e".repeat(64) }],
      storage: { pvc: { namespace: "default", claimName: "rootfs-artifacts", subPath: "bench" } },
    },
  );
}
