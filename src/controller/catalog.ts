import type { Artifact } from "../api/common.js";
import { apiVersion } from "../api/group.js";
import { formatBytes } from "../api/quantity.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage, RootfsImageSpec } from "../api/rootfsimage.js";

export const buildKeyLabel = "rootfs.dev/build-key";

/** Label values hold 63 characters; the full key is in spec.buildKey and is what lookups compare. */
export function buildKeyLabelValue(key: string): string {
  return key.slice(0, 63);
}

/** `<distro>-<release>-<arch>-<key10>`, or the build's spec.catalogName. */
export function imageName(build: RootfsBuild, key: string): string {
  if (build.spec.catalogName) return build.spec.catalogName;
  const { distro, release, arch } = build.spec.os;
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  return `${clean(distro)}-${clean(release)}-${clean(arch)}-${key.slice(0, 10)}`;
}

export interface BuildOutcome {
  artifacts: Artifact[];
  storage: RootfsImageSpec["storage"];
  kernelVersion?: string;
  packageCount?: number;
}

/** The catalog entry recording a finished build; created only after every artifact is written and verified. */
export function imageFor(
  build: RootfsBuild,
  key: string,
  sourceSHA256: string,
  outcome: BuildOutcome,
): RootfsImage {
  return {
    apiVersion,
    kind: "RootfsImage",
    metadata: {
      name: imageName(build, key),
      labels: { [buildKeyLabel]: buildKeyLabelValue(key), "app.kubernetes.io/managed-by": "rootfs-operator" },
    },
    spec: {
      os: build.spec.os,
      buildKey: key,
      isoSHA256: sourceSHA256,
      kernelVersion: outcome.kernelVersion,
      packageCount: outcome.packageCount,
      layout: build.spec.outputs.layout,
      size: formatBytes(outcome.artifacts.reduce((sum, a) => sum + a.size, 0)),
      artifacts: outcome.artifacts,
      storage: outcome.storage,
      createdFrom: {
        namespace: build.metadata.namespace ?? "",
        name: build.metadata.name,
        uid: build.metadata.uid ?? "",
        generation: build.metadata.generation ?? 0,
      },
    },
  };
}
