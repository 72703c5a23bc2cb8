import { readdir, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import type { Artifact } from "../api/common.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { RefResolver } from "../plan/answer-plan.js";
import { readManifest } from "../api/output-manifest.js";
import { s3TargetFor } from "../pipeline/s3-publish.js";
import { deleteObjects } from "../steps/publish/s3/index.js";
import { errorText } from "../lib/files.js";
import { assertInside, resolvesInside } from "../steps/publish/contained.js";
import type { ArtifactCleanup, BuildBackend } from "./backend.js";

/** A pruned catalog entry's artifacts, and the build that pruned it. */
export interface ArtifactDeletion {
  build: RootfsBuild;
  image: RootfsImage;
  /** The entry's artifacts that no surviving entry lists. */
  artifacts: Artifact[];
  refs: RefResolver;
}

/**
 * Deletes a pruned entry's artifacts: S3 objects here (any backend), files in PVCs through the
 * backend, which alone knows how to reach them.
 */
export async function deleteArtifacts(
  backend: BuildBackend,
  request: ArtifactDeletion,
): Promise<ArtifactCleanup> {
  const inS3 = request.artifacts.filter((a) => a.location.startsWith("s3://"));
  const inPvc = request.artifacts.filter((a) => !inS3.includes(a));
  const objects = await deleteS3Artifacts({ ...request, artifacts: inS3 });
  const files = backend.deleteFiles
    ? await backend.deleteFiles(request.image, inPvc)
    : {
        deleted: [],
        left: inPvc.map((a) => ({ location: a.location, why: "this backend leaves PVC files" })),
      };
  return { deleted: [...files.deleted, ...objects.deleted], left: [...files.left, ...objects.left] };
}

/**
 * A pruned entry's files in a claim directory (`<storageDir>/<namespace>/<claim>/`, the local
 * backend's stand-in for a PVC): each listed artifact, then a manifest.json beside them that records
 * the entry's build key (compass-ci keeps one per build under builds/), then directories left empty,
 * up to the claim's root. Locations that would leave the claim are refused.
 */
export async function deleteClaimFiles(
  storageDir: string,
  image: RootfsImage,
  artifacts: Artifact[],
): Promise<ArtifactCleanup> {
  const result: ArtifactCleanup = { deleted: [], left: [] };
  const pvc = image.spec.storage.pvc;
  if (artifacts.length === 0) return result;
  if (!pvc) {
    for (const a of artifacts) result.left.push({ location: a.location, why: "the entry records no PVC" });
    return result;
  }
  const root = path.resolve(storageDir, pvc.namespace, pvc.claimName);
  const dirs = new Set<string>();
  for (const artifact of artifacts) {
    const file = path.resolve(root, artifact.location);
    // Lexically, then by real path: a symlink in the claim must not lead the delete elsewhere.
    const inside =
      file.startsWith(`${root}${path.sep}`) &&
      (await assertInside(root, file).then(
        () => true,
        () => false,
      ));
    if (!inside) {
      result.left.push({ location: artifact.location, why: "it lies outside the claim" });
      continue;
    }
    try {
      await rm(file, { recursive: true, force: true });
      result.deleted.push(artifact.location);
      dirs.add(path.dirname(file));
    } catch (err) {
      result.left.push({ location: artifact.location, why: errorText(err) });
    }
  }
  for (const dir of dirs) {
    const manifest = path.join(dir, "manifest.json");
    const ours =
      (await resolvesInside(root, manifest)) &&
      (await readManifest(manifest))?.buildKey === image.spec.buildKey;
    if (ours) await rm(manifest, { force: true });
    await removeEmptyDirs(dir, root);
  }
  return result;
}

/** rmdir from `dir` upwards while empty, stopping below `root`. */
async function removeEmptyDirs(dir: string, root: string): Promise<void> {
  for (let d = dir; d.startsWith(`${root}${path.sep}`); d = path.dirname(d)) {
    const entries = await readdir(d).catch(() => undefined);
    if (entries === undefined) continue;
    if (entries.length > 0) return;
    await rmdir(d).catch(() => undefined);
  }
}

/**
 * A pruned entry's S3 objects, with the credentials of the pruning build's spec.storage.s3 — only
 * when it names the entry's endpoint and bucket, since entries do not record credentials.
 */
export async function deleteS3Artifacts({
  build,
  image,
  artifacts,
  refs,
}: ArtifactDeletion): Promise<ArtifactCleanup> {
  const result: ArtifactCleanup = { deleted: [], left: [] };
  const where = image.spec.storage.s3;
  const s3 = build.spec.storage?.s3;
  if (artifacts.length === 0) return result;
  if (!where || !s3 || s3.bucket !== where.bucket || s3.endpoint !== where.endpoint) {
    const why = "no credentials for its bucket: the build's spec.storage.s3 names another one";
    for (const a of artifacts) result.left.push({ location: a.location, why });
    return result;
  }
  const prefix = `s3://${where.bucket}/`;
  const ours = artifacts.filter((a) => a.location.startsWith(prefix));
  for (const a of artifacts.filter((a) => !ours.includes(a))) {
    result.left.push({ location: a.location, why: `it is not in bucket ${where.bucket}` });
  }
  let failure: Error | undefined;
  try {
    const target = await s3TargetFor(s3, refs);
    const outcome = await deleteObjects(
      target,
      ours.map((a) => a.location.slice(prefix.length)),
    );
    result.deleted.push(...outcome.deleted.map((key) => `${prefix}${key}`));
    failure = outcome.failure;
  } catch (err) {
    // The credentials Secret could not be read.
    failure = err instanceof Error ? err : new Error(String(err));
  }
  if (failure) {
    const done = new Set(result.deleted);
    const why = errorText(failure);
    for (const a of ours) if (!done.has(a.location)) result.left.push({ location: a.location, why });
  }
  return result;
}
