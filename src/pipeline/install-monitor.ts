import {
  consoleNoiseFor,
  failureSignaturesFor,
  progressPatternsFor,
  successMarkerFor,
  type InstallStage,
} from "../installers/index.js";
import type { InstallerProfile } from "../installers/profile.js";
import type { InstallMonitor } from "../steps/install-local/types.js";

/**
 * The share of the whole install each installer stage covers, in percent. Counts (packages installed)
 * move the percentage within a stage; the packages stage is where almost all of the time goes.
 */
const stageSpan: Record<InstallStage, [from: number, upTo: number]> = {
  storage: [5, 10],
  packages: [10, 85],
  bootloader: [85, 90],
  configuration: [90, 95],
  "post-install": [95, 99],
};

/** What the local install step watches on the serial console for this installer. */
export function installMonitorFor(profile: InstallerProfile): InstallMonitor {
  return {
    successMarker: successMarkerFor(profile),
    failureSignatures: failureSignaturesFor(profile),
    noisePatterns: consoleNoiseFor(profile),
    progressPatterns: progressPatternsFor(profile).map(({ pattern, stage }) => {
      const [percent, upTo] = stageSpan[stage];
      return { pattern, percent, upTo };
    }),
  };
}
