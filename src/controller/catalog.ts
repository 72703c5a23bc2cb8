import { createHash } from "node:crypto";
import type { Artifact } from "../api/common.js";
import { apiVersion } from "../api/group.js";
import { formatBytes } from "../api/quantity.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage, RootfsImageSpec } from "../api/rootfsimage.js";
import type { KubeClient } from "../runtime/index.js";
import type { OperatorConfig, SharedStorage } from "./config.js";
import type { ResolvedStorage } from "./builders/storage.js";
import { rootfsImageRef } from "./rootfs-refs.js";

// Who may use whose catalog entries (docs/security.md). An entry is only as trustworthy as the storage
// it points at, and a namespace's own PVCs and buckets are its tenants' to change. So an entry serves
// the namespace that published it, and every namespace only when the platform admin declared its
// storage shared (operator config catalog.shared) for the namespace that published it.

export const buildKeyLabel = "rootfs.dev/build-key";

/** Label values hold 63 characters; the full key is in spec.buildKey and is what lookups compare. */
export function buildKeyLabelValue(key: string): string {
  return key.slice(0, 63);
}

/** Where an entry may be used: by every namespace, or by the one that published it. */
export type CatalogScope = { kind: "shared" } | { kind: "namespace"; namespace: string };

/** The scope a build publishes into: shared when it writes to storage declared shared for its namespace. */
export function publishScope(
  namespace: string,
  storage: ResolvedStorage,
  config: OperatorConfig,
): CatalogScope {
  const where = {
    pvc: storage.pvc && { namespace, claimName: storage.pvc.claimName },
    s3: storage.s3 && { bucket: storage.s3.bucket, endpoint: storage.s3.endpoint },
  };
  return config.catalog.shared.some((s) => declares(s, namespace, where))
    ? { kind: "shared" }
    : { kind: "namespace", namespace };
}

/** The scope of an existing entry, judged by today's configuration (an admin can revoke sharing). */
export function entryScope(image: RootfsImage, config: OperatorConfig): CatalogScope {
  const { namespace } = image.spec.createdFrom;
  return config.catalog.shared.some((s) => declares(s, namespace, image.spec.storage))
    ? { kind: "shared" }
    : { kind: "namespace", namespace };
}

/** Whether a build in `namespace` may succeed from `image`: shared entries, and its own namespace's. */
export function usableFrom(image: RootfsImage, namespace: string, config: OperatorConfig): boolean {
  const scope = entryScope(image, config);
  return scope.kind === "shared" || scope.namespace === namespace;
}

/** The entry a build of `key` in `namespace` succeeds from, if any: a shared one first. */
export function findUsableImage(
  images: RootfsImage[],
  key: string,
  namespace: string,
  config: OperatorConfig,
): RootfsImage | undefined {
  const candidates = images.filter((i) => i.spec.buildKey === key && usableFrom(i, namespace, config));
  return (
    candidates.find((i) => entryScope(i, config).kind === "shared") ??
    candidates.sort((a, b) =>
      (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
    )[0]
  );
}

/** findUsableImage over the entries the apiserver has now (by the key's label), not an informer's cache. */
export async function readUsableImage(
  client: KubeClient,
  key: string,
  build: RootfsBuild,
  config: OperatorConfig,
): Promise<RootfsImage | undefined> {
  const labelSelector = `${buildKeyLabel}=${buildKeyLabelValue(key)}`;
  const { items } = await client.list<RootfsImage>(rootfsImageRef, { labelSelector });
  return findUsableImage(items, key, build.metadata.namespace ?? "", config);
}

function declares(
  shared: SharedStorage,
  namespace: string,
  where: {
    pvc?: { namespace: string; claimName: string };
    s3?: { bucket: string; endpoint?: string };
  },
): boolean {
  if (shared.namespace !== namespace) return false;
  const pvcOk =
    !shared.pvc || (where.pvc?.namespace === namespace && where.pvc.claimName === shared.pvc.claimName);
  const s3Ok =
    !shared.s3 ||
    (where.s3?.bucket === shared.s3.bucket && (where.s3.endpoint ?? "") === (shared.s3.endpoint ?? ""));
  return pvcOk && s3Ok;
}

/** Tells scopes apart in names: an entry of one namespace never takes the name another's would need. */
export function scopeId(scope: CatalogScope): string {
  return scope.kind === "shared"
    ? "shared"
    : createHash("sha256").update(`namespace/${scope.namespace}`).digest("hex").slice(0, 6);
}

/**
 * `<distro>-<release>-<arch>-<key10>` for shared entries, with `-<scope6>` for a namespace's, or the
 * build's spec.catalogName.
 */
export function imageName(build: RootfsBuild, key: string, scope: CatalogScope): string {
  if (build.spec.catalogName) return build.spec.catalogName;
  const { distro, release, arch } = build.spec.os;
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  const base = `${clean(distro)}-${clean(release)}-${clean(arch)}-${key.slice(0, 10)}`;
  return scope.kind === "shared" ? base : `${base}-${scopeId(scope)}`;
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
  scope: CatalogScope,
  outcome: BuildOutcome,
): RootfsImage {
  return {
    apiVersion,
    kind: "RootfsImage",
    metadata: {
      name: imageName(build, key, scope),
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

/**
 * What to make of an entry already at the name this build's entry needs: its own (a pass that crashed
 * after creating it), an identical build's that this build may use, or someone else's name.
 */
export function existingEntryVerdict(
  existing: RootfsImage,
  build: RootfsBuild,
  key: string,
  config: OperatorConfig,
): "ours" | "usable" | "taken" {
  if (existing.spec.buildKey !== key) return "taken";
  if (existing.spec.createdFrom.uid === build.metadata.uid) return "ours";
  return usableFrom(existing, build.metadata.namespace ?? "", config) ? "usable" : "taken";
}
