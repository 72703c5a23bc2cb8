import type { Arch, Distro } from "../installers/request.js";
import type { Edition } from "./editions.js";

/** What to look up: a release as the user spelled it, on one architecture, in one edition. */
export interface SourceRequest {
  distro: Distro;
  /** As the user wrote it (a point release such as 9.5 or 12.5 picks that point release). */
  release: string;
  /** profileFor's canonical spelling of the release (its major version, where point releases exist). */
  canonical: string;
  arch: Arch;
  edition: Edition;
  /** The newest daily build instead of the release (openEuler only). */
  daily: boolean;
}

/** The ISO and its checksum file, as paths relative to the directory they were found in. */
export interface Picked {
  iso: string;
  checksum: string;
}

/**
 * Where a distribution keeps one kind of ISO: a tree under `root` (a site mirror replaces the root and
 * keeps the tree below it), and either a fixed path, or directories to list in order until one holds it.
 */
export interface SourceLayout {
  root: string;
  find:
    | { kind: "fixed"; dir: string; picked: Picked }
    | {
        kind: "listing";
        dirs: string[];
        /** What is looked for, for messages: e.g. "Rocky-9.<n>-x86_64-dvd.iso". */
        wanted: string;
        pick(names: readonly string[]): Picked | undefined;
      };
}

/** The minor part of a point release such as "9.5" or "24.04.2", or undefined for a major alone. */
export function pointRelease(release: string, major: string): string | undefined {
  const trimmed = release.trim().toLowerCase();
  return trimmed.startsWith(`${major}.`) && /^\d+$/.test(trimmed.slice(major.length + 1))
    ? trimmed
    : undefined;
}
