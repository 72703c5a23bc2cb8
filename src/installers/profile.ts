import type { Arch } from "./request.js";

// Every distribution difference the rest of the code cares about hangs off this one closed union.
// Functions that answer a question about a profile switch on `kind` and end in assertNever.

export type KickstartDistro = "openeuler" | "centos-stream" | "rocky" | "almalinux" | "fedora" | "rhel";

/** Major version of the anaconda a release ships (Fedora N ships anaconda N). */
export type AnacondaGeneration = 29 | 33 | 34 | 36 | 40 | 41 | 42 | 43 | 44;

/** A pykickstart version handler name, as `ksvalidator -v` takes it. */
export type KickstartVersion =
  "F29" | "F33" | "F36" | "F40" | "F41" | "F42" | "F43" | "F44" | "RHEL8" | "RHEL9" | "RHEL10";

export interface KickstartProfile {
  kind: "kickstart";
  distro: KickstartDistro;
  /** Canonical release, e.g. "22.03-LTS-SP4", "9", "42". */
  release: string;
  arch: Arch;
  anaconda: AnacondaGeneration;
  /** The kickstart syntax this release's anaconda parses; generated and user kickstarts are checked against it. */
  ksVersion: KickstartVersion;
}

export type DebianRelease = "11" | "12" | "13";

export interface PreseedProfile {
  kind: "preseed";
  distro: "debian";
  release: DebianRelease;
  codename: "bullseye" | "bookworm" | "trixie";
  arch: Arch;
}

export type UbuntuRelease = "22.04" | "24.04";

export interface AutoinstallProfile {
  kind: "autoinstall";
  distro: "ubuntu";
  release: UbuntuRelease;
  codename: "jammy" | "noble";
  arch: Arch;
}

export type InstallerProfile = KickstartProfile | PreseedProfile | AutoinstallProfile;
