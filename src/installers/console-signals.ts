import { anacondaFailures, anacondaProgress } from "./anaconda-console.js";
import { assertNever } from "../lib/assert-never.js";
import { literal, type FailureSignature, type ProgressPattern } from "./console-patterns.js";
import {
  debianInstallerFailures,
  debianInstallerNoise,
  debianInstallerProgress,
} from "./debian-installer-console.js";
import { installMarker } from "./install-markers.js";
import type { InstallerProfile } from "./profile.js";
import { subiquityFailures, subiquityProgress } from "./subiquity-console.js";

// How the install step reads the serial console: one line at a time, each pattern a RegExp source.

/**
 * The line that means the install finished. It is printed by our own answer file (see install-markers.ts),
 * also when the user supplies the whole answer file; the VM powering off after it confirms success.
 */
export function successMarkerFor(profile: InstallerProfile): string {
  switch (profile.kind) {
    case "kickstart":
    case "preseed":
    case "autoinstall":
      return literal(installMarker("finished"));
    default:
      return assertNever(profile);
  }
}

const fromAnyInstaller: FailureSignature[] = [
  { pattern: literal(installMarker("failed")), reason: "the installer ran our failure hook" },
  { pattern: literal("Kernel panic - not syncing"), reason: "the installer's kernel panicked" },
  { pattern: literal("Out of memory:"), reason: "the install VM ran out of memory; raise its memory" },
];

export function failureSignaturesFor(profile: InstallerProfile): FailureSignature[] {
  switch (profile.kind) {
    case "kickstart":
      return [...fromAnyInstaller, ...anacondaFailures];
    case "preseed":
      return [...fromAnyInstaller, ...debianInstallerFailures];
    case "autoinstall":
      return [...fromAnyInstaller, ...subiquityFailures];
    default:
      return assertNever(profile);
  }
}

/** RegExp sources of screen decoration the installer draws on its console: neither progress nor failure. */
export function consoleNoiseFor(profile: InstallerProfile): string[] {
  switch (profile.kind) {
    case "preseed":
      return debianInstallerNoise;
    case "kickstart":
    case "autoinstall":
      return [];
    default:
      return assertNever(profile);
  }
}

export function progressPatternsFor(profile: InstallerProfile): ProgressPattern[] {
  switch (profile.kind) {
    case "kickstart":
      return anacondaProgress;
    case "preseed":
      return debianInstallerProgress;
    case "autoinstall":
      return subiquityProgress;
    default:
      return assertNever(profile);
  }
}
