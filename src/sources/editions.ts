import { assertNever } from "../lib/assert-never.js";
import type { Distro } from "../installers/request.js";

// Which installer images each distribution publishes, by one vocabulary: dvd (the full installer, all
// packages of the base release on the medium), everything (openEuler's and Fedora's image with every
// package), netinst (a boot image that installs from the network), minimal, live-server (Ubuntu's
// subiquity installer, its only server image). The first edition of each list is the default.

export const editions = ["dvd", "everything", "netinst", "minimal", "live-server"] as const;
export type Edition = (typeof editions)[number];

/** The editions `distro` publishes, default first; empty when its ISOs cannot be downloaded freely. */
export function editionsOf(distro: Distro): readonly Edition[] {
  switch (distro) {
    case "openeuler":
    case "fedora":
      return ["dvd", "everything", "netinst"];
    case "centos-stream":
      return ["dvd", "netinst"];
    case "rocky":
    case "almalinux":
      return ["dvd", "netinst", "minimal"];
    case "debian":
      return ["netinst", "dvd"];
    case "ubuntu":
      return ["live-server"];
    case "rhel":
      return [];
    default:
      return assertNever(distro);
  }
}

/** Whether `distro` publishes daily builds this code can follow. */
export function hasDailyBuilds(distro: Distro): boolean {
  return distro === "openeuler";
}
