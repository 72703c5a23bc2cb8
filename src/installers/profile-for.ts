import { assertNever } from "../lib/assert-never.js";
import { invalidSpec } from "./errors.js";
import { parseOpenEulerRelease, type OpenEulerLine } from "./openeuler-release.js";
import type {
  AnacondaGeneration,
  AutoinstallProfile,
  DebianRelease,
  InstallerProfile,
  KickstartDistro,
  KickstartProfile,
  KickstartVersion,
  PreseedProfile,
  UbuntuRelease,
} from "./profile.js";
import type { Arch, Distro } from "./request.js";

/**
 * The installer profile for a distribution release, or an error listing the supported releases.
 * Every supported release installs on both x86_64 and aarch64.
 */
export function profileFor(distro: Distro, release: string, arch: Arch): InstallerProfile {
  switch (distro) {
    case "openeuler":
      return openEulerProfile(release, arch);
    case "centos-stream":
    case "rocky":
    case "almalinux":
    case "rhel":
      return enterpriseLinuxProfile(distro, release, arch);
    case "fedora":
      return fedoraProfile(release, arch);
    case "debian":
      return debianProfile(release, arch);
    case "ubuntu":
      return ubuntuProfile(release, arch);
    default:
      return assertNever(distro);
  }
}

// openEuler 20.03 LTS shipped anaconda 29.24.7; 22.03 LTS ships 33.19; 24.03 LTS moved to 36.16.5 (patched to
// parse with its bundled pykickstart's newest handler), which the 25.x innovation releases keep.
// Source: the Version and %changelog of anaconda.spec in openEuler's anaconda package repository.
const openEulerAnaconda: Record<
  OpenEulerLine,
  { anaconda: AnacondaGeneration; ksVersion: KickstartVersion }
> = {
  "20.03": { anaconda: 29, ksVersion: "F29" },
  "22.03": { anaconda: 33, ksVersion: "F33" },
  "24.03": { anaconda: 36, ksVersion: "F36" },
  "25.03": { anaconda: 36, ksVersion: "F36" },
  "25.09": { anaconda: 36, ksVersion: "F36" },
};

function openEulerProfile(release: string, arch: Arch): KickstartProfile {
  const parsed = parseOpenEulerRelease(release);
  return {
    kind: "kickstart",
    distro: "openeuler",
    release: parsed.canonical,
    arch,
    ...openEulerAnaconda[parsed.line],
  };
}

// RHEL 8.3 and later ship anaconda 33 (8.0-8.2 shipped 29); pykickstart's RHEL8 handler covers both.
const enterpriseMajors: Record<
  "8" | "9" | "10",
  { anaconda: AnacondaGeneration; ksVersion: KickstartVersion }
> = {
  "8": { anaconda: 33, ksVersion: "RHEL8" },
  "9": { anaconda: 34, ksVersion: "RHEL9" },
  "10": { anaconda: 40, ksVersion: "RHEL10" },
};

export const enterpriseReleases: Record<
  Exclude<KickstartDistro, "openeuler" | "fedora">,
  readonly string[]
> = {
  "centos-stream": ["9", "10"],
  rocky: ["8", "9", "10"],
  almalinux: ["8", "9", "10"],
  rhel: ["8", "9", "10"],
};

function enterpriseLinuxProfile(
  distro: "centos-stream" | "rocky" | "almalinux" | "rhel",
  release: string,
  arch: Arch,
): KickstartProfile {
  const supported = enterpriseReleases[distro];
  // Point releases (9.5) install with their major's anaconda; Stream has no point releases.
  const pattern = distro === "centos-stream" ? /^(\d+)(?:-stream)?$/i : /^(\d+)(?:\.\d+)?$/;
  const major = pattern.exec(release.trim())?.[1];
  if (major === undefined || !supported.includes(major) || !isEnterpriseMajor(major)) {
    throw unsupportedRelease(distro, release, supported);
  }
  return { kind: "kickstart", distro, release: release.trim(), arch, ...enterpriseMajors[major] };
}

function isEnterpriseMajor(major: string): major is keyof typeof enterpriseMajors {
  return Object.hasOwn(enterpriseMajors, major);
}

export const fedoraReleases = ["40", "41", "42", "43", "44"] as const;
const fedoraAnaconda: Record<(typeof fedoraReleases)[number], AnacondaGeneration> = {
  "40": 40,
  "41": 41,
  "42": 42,
  "43": 43,
  "44": 44,
};

function fedoraProfile(release: string, arch: Arch): KickstartProfile {
  const trimmed = release.trim();
  if (!isOneOf(fedoraReleases, trimmed)) {
    throw unsupportedRelease(
      "fedora",
      release,
      fedoraReleases,
      " A newer Fedora needs a pykickstart with its F<N> handler and an entry in src/installers/profile-for.ts.",
    );
  }
  return {
    kind: "kickstart",
    distro: "fedora",
    release: trimmed,
    arch,
    anaconda: fedoraAnaconda[trimmed],
    ksVersion: `F${trimmed}`,
  };
}

export const debianCodenames: Record<DebianRelease, PreseedProfile["codename"]> = {
  "11": "bullseye",
  "12": "bookworm",
  "13": "trixie",
};

function debianProfile(release: string, arch: Arch): PreseedProfile {
  const spelled = release.trim().toLowerCase();
  const byCodename = Object.entries(debianCodenames).find(([, codename]) => codename === spelled)?.[0];
  const major = byCodename ?? /^(\d+)(?:\.\d+)?$/.exec(spelled)?.[1];
  if (major === undefined || !Object.hasOwn(debianCodenames, major)) {
    throw unsupportedRelease("debian", release, ["11 (bullseye)", "12 (bookworm)", "13 (trixie)"]);
  }
  const debianRelease = major as DebianRelease;
  return {
    kind: "preseed",
    distro: "debian",
    release: debianRelease,
    codename: debianCodenames[debianRelease],
    arch,
  };
}

export const ubuntuCodenames: Record<UbuntuRelease, AutoinstallProfile["codename"]> = {
  "22.04": "jammy",
  "24.04": "noble",
};

function ubuntuProfile(release: string, arch: Arch): AutoinstallProfile {
  const spelled = release.trim().toLowerCase();
  const byCodename = Object.entries(ubuntuCodenames).find(([, codename]) => codename === spelled)?.[0];
  // Point releases (24.04.2) use the same live-server installer.
  const version = byCodename ?? /^(\d{2}\.\d{2})(?:\.\d+)?$/.exec(spelled)?.[1];
  if (version === undefined || !Object.hasOwn(ubuntuCodenames, version)) {
    throw unsupportedRelease(
      "ubuntu",
      release,
      ["22.04 (jammy)", "24.04 (noble)"],
      " Use a live-server ISO.",
    );
  }
  const ubuntuRelease = version as UbuntuRelease;
  return {
    kind: "autoinstall",
    distro: "ubuntu",
    release: ubuntuRelease,
    codename: ubuntuCodenames[ubuntuRelease],
    arch,
  };
}

function unsupportedRelease(distro: Distro, release: string, supported: readonly string[], hint = "") {
  return invalidSpec(
    `Unsupported ${distro} release "${release}". Supported: ${supported.join(", ")}. ` +
      `Set the release to one of these.${hint}`,
  );
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
