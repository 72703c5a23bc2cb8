import type { Arch, Distro } from "../../../src/installers/request.js";

// Every supported release the table-driven tests render answer files for, with what profileFor must say.

export interface KickstartRow {
  distro: Distro;
  release: string;
  ksVersion: string;
  /**
   * More pykickstart handlers the kickstart must also pass. openEuler 20.03: its service packs may have
   * moved to anaconda 33.19 (F33). openEuler 24.03 and 25.x: anaconda 36.16.5 is patched to parse with the
   * newest handler of the pykickstart it ships (a newer one than F36); F40 stands in for it.
   */
  alsoValidAgainst: string[];
}

const openEuler = (release: string, ksVersion: string, also: string[]): KickstartRow => ({
  distro: "openeuler",
  release,
  ksVersion,
  alsoValidAgainst: also,
});
const row = (distro: Distro, release: string, ksVersion: string): KickstartRow => ({
  distro,
  release,
  ksVersion,
  alsoValidAgainst: [],
});

export const kickstartRows: KickstartRow[] = [
  openEuler("20.03-LTS", "F29", ["F33"]),
  openEuler("20.03-LTS-SP4", "F29", ["F33"]),
  openEuler("22.03-LTS", "F33", []),
  openEuler("22.03-LTS-SP4", "F33", []),
  openEuler("24.03-LTS", "F36", ["F40"]),
  openEuler("24.03-LTS-SP2", "F36", ["F40"]),
  openEuler("25.03", "F36", ["F40"]),
  openEuler("25.09", "F36", ["F40"]),
  row("centos-stream", "9", "RHEL9"),
  row("centos-stream", "10", "RHEL10"),
  row("rocky", "8", "RHEL8"),
  row("rocky", "9", "RHEL9"),
  row("rocky", "10", "RHEL10"),
  row("almalinux", "8", "RHEL8"),
  row("almalinux", "9", "RHEL9"),
  row("almalinux", "10", "RHEL10"),
  row("rhel", "8", "RHEL8"),
  row("rhel", "9", "RHEL9"),
  row("rhel", "10", "RHEL10"),
  row("fedora", "40", "F40"),
  row("fedora", "41", "F41"),
  row("fedora", "42", "F42"),
  row("fedora", "43", "F43"),
  row("fedora", "44", "F44"),
];

export const debianReleases = ["11", "12", "13"];
export const ubuntuReleases = ["22.04", "24.04"];
export const arches: Arch[] = ["x86_64", "aarch64"];
