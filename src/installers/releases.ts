import { assertNever } from "../lib/assert-never.js";
import { openEulerReleasePattern, openEulerReleases } from "./openeuler-release.js";
import { debianCodenames, enterpriseReleases, fedoraReleases, ubuntuCodenames } from "./profile-for.js";
import type { Distro } from "./request.js";

// The releases profileFor() installs, listed (for `rootfs sources`, the README and error messages) and as
// one pattern per distribution (for the CRD's CEL rules and the zod schema, so the apiserver refuses what
// profileFor would). A unit test checks each pattern accepts exactly what profileFor accepts.

/** Every supported release of `distro`, in its canonical spelling, oldest first. */
export function supportedReleases(distro: Distro): string[] {
  switch (distro) {
    case "openeuler":
      return openEulerReleases();
    case "centos-stream":
    case "rocky":
    case "almalinux":
    case "rhel":
      return [...enterpriseReleases[distro]];
    case "fedora":
      return [...fedoraReleases];
    case "debian":
      return Object.keys(debianCodenames);
    case "ubuntu":
      return Object.keys(ubuntuCodenames);
    default:
      return assertNever(distro);
  }
}

const alternatives = (values: readonly string[]) => values.map((v) => v.replaceAll(".", "\\.")).join("|");
const pointRelease = "(\\.[0-9]+)?";

/**
 * A pattern over the lower-cased release that accepts what profileFor accepts (for the characters the
 * API allows in a release). JavaScript and RE2 (CEL's `matches`) read it alike.
 */
export function releasePattern(distro: Distro): string {
  switch (distro) {
    case "openeuler":
      return openEulerReleasePattern();
    case "centos-stream":
      return `^(${alternatives(enterpriseReleases[distro])})(-stream)?$`;
    case "rocky":
    case "almalinux":
    case "rhel":
      return `^(${alternatives(enterpriseReleases[distro])})${pointRelease}$`;
    case "fedora":
      return `^(${alternatives(fedoraReleases)})$`;
    case "debian":
      return `^((${alternatives(Object.keys(debianCodenames))})${pointRelease}|${alternatives(Object.values(debianCodenames))})$`;
    case "ubuntu":
      return `^((${alternatives(Object.keys(ubuntuCodenames))})${pointRelease}|${alternatives(Object.values(ubuntuCodenames))})$`;
    default:
      return assertNever(distro);
  }
}

/** The supported releases as one line, e.g. "20.03-LTS (-SP1 to -SP4), …" for openEuler. */
export function releaseSummary(distro: Distro): string {
  if (distro !== "openeuler") return supportedReleases(distro).join(", ");
  return supportedReleases(distro)
    .filter((r) => !/-SP\d+$/.test(r))
    .map((r) => {
      const sps = supportedReleases(distro).filter((sp) => sp.startsWith(`${r}-SP`));
      return sps.length === 0 ? r : `${r} (-SP1 to -SP${sps.length})`;
    })
    .join(", ");
}
