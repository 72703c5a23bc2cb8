import type { Artifact } from "../api/common.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";

/** One catalog entry to delete, with the artifacts that no surviving entry also lists. */
export interface Pruned {
  image: RootfsImage;
  artifacts: Artifact[];
}

export interface RetentionDecision {
  /** Oldest first. */
  prune: Pruned[];
  /** Entries past `keep` that stay because a build uses them: entry name → build (namespace/name). */
  held: { image: string; by: string }[];
}

const nothing: RetentionDecision = { prune: [], held: [] };

/**
 * spec.refresh.keep: which of a build's earlier catalog entries to delete, decided from what the
 * informers hold. A build's entries are those whose spec.createdFrom.uid is the build's uid (entries
 * left by a deleted build of the same name are not its to prune). The current entry (status.image)
 * is never counted; of the rest, the newest `keep` stay and older ones go, unless any build names
 * the entry in status.image or has its build key in status.buildKey.
 */
export function decideRetention(
  build: RootfsBuild,
  images: readonly RootfsImage[],
  builds: readonly RootfsBuild[],
): RetentionDecision {
  const keep = build.spec.refresh?.keep;
  const current = build.status?.image;
  // Only builds that follow a daily ISO prune; spec.refresh is the opt-in.
  if (keep === undefined) return nothing;
  // Only after a success: until then, which entry is current is not known.
  if (build.status?.phase !== "Succeeded" || !current) return nothing;
  const earlier = images
    .filter((i) => i.spec.createdFrom.uid === build.metadata.uid && i.metadata.name !== current)
    .sort(newestFirst);
  const prune: RootfsImage[] = [];
  const held: RetentionDecision["held"] = [];
  for (const image of earlier.slice(keep)) {
    // An entry another build reports as its result, or is about to, stays.
    const user = builds.find(
      (b) => b.status?.image === image.metadata.name || b.status?.buildKey === image.spec.buildKey,
    );
    if (user)
      held.push({ image: image.metadata.name, by: `${user.metadata.namespace}/${user.metadata.name}` });
    else prune.push(image);
  }
  const doomed = new Set(prune.map((i) => i.metadata.name));
  const surviving = images
    .filter((i) => !doomed.has(i.metadata.name))
    .flatMap((i) => i.spec.artifacts.map(placeOf(i)));
  return {
    prune: prune.reverse().map((image) => ({
      image,
      // A flat layout publishes every ISO to the same paths: what a kept entry lists (or holds, or
      // lies in) is not ours to delete.
      artifacts: image.spec.artifacts.filter((a) => !surviving.some(overlaps(placeOf(image)(a)))),
    })),
    held,
  };
}

/** Newest first by creation time; entries created in the same second are ordered by name. */
function newestFirst(a: RootfsImage, b: RootfsImage): number {
  const at = (i: RootfsImage) => Date.parse(i.metadata.creationTimestamp ?? "") || 0;
  return at(b) - at(a) || b.metadata.name.localeCompare(a.metadata.name);
}

/** Where an artifact lives, comparable across entries: the PVC (or S3 endpoint) plus the location. */
function placeOf(image: RootfsImage): (artifact: Artifact) => string {
  const { pvc, s3 } = image.spec.storage;
  return (artifact) =>
    artifact.location.startsWith("s3://")
      ? `s3|${s3?.endpoint ?? ""}|${artifact.location}`
      : `pvc|${pvc?.namespace ?? ""}/${pvc?.claimName ?? ""}|${normalise(artifact.location)}`;
}

/** Equal places, or one a directory holding the other. */
function overlaps(place: string): (other: string) => boolean {
  return (other) => place === other || place.startsWith(`${other}/`) || other.startsWith(`${place}/`);
}

function normalise(location: string): string {
  return location
    .replace(/\/+/g, "/")
    .replace(/^\.?\//, "")
    .replace(/\/$/, "");
}
