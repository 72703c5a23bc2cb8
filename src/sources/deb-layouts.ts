import { pointRelease, type SourceLayout, type SourceRequest } from "./layout.js";
import { newest } from "./listing.js";

// Debian's and Ubuntu's download trees, as their download pages and cdimage layouts give them (see
// test/fixtures/sources/ for the listings the tests read and where each comes from).

const debianArch = { x86_64: "amd64", aarch64: "arm64" } as const;

/**
 * Debian: debian-cd/current/<arch>/iso-cd/debian-<N>.<point>.0-<arch>-netinst.iso (iso-dvd/…-DVD-1.iso)
 * with SHA256SUMS. Earlier stable releases move to cdimage/archive/latest-oldstable/ and then
 * latest-oldoldstable/; a point release asked for by number lives in cdimage/archive/<N>.<point>.0/.
 */
export function debianLayout(req: SourceRequest): SourceLayout {
  const { canonical: major } = req;
  const arch = debianArch[req.arch];
  const point = pointRelease(req.release, major);
  const tree = `${arch}/${req.edition === "dvd" ? "iso-dvd" : "iso-cd"}/`;
  const image = req.edition === "dvd" ? "DVD-1" : "netinst";
  const dirs = point
    ? [`debian-cd/${point}.0/${tree}`, `cdimage/archive/${point}.0/${tree}`]
    : ["debian-cd/current/", "cdimage/archive/latest-oldstable/", "cdimage/archive/latest-oldoldstable/"].map(
        (dir) => `${dir}${tree}`,
      );
  const version = point ? `${point.replace(".", "\\.")}\\.\\d+` : `${major}\\.\\d+\\.\\d+`;
  return {
    root: "https://cdimage.debian.org",
    find: {
      kind: "listing",
      dirs,
      wanted: `debian-${point ?? major}.<n>.<n>-${arch}-${image}.iso`,
      pick(names) {
        const iso = newest(names, new RegExp(`^debian-(${version})-${arch}-${image}\\.iso$`));
        return iso && names.includes("SHA256SUMS") ? { iso: iso.name, checksum: "SHA256SUMS" } : undefined;
      },
    },
  };
}

/**
 * Ubuntu live-server: releases.ubuntu.com/<N>/ubuntu-<N>[.<point>]-live-server-amd64.iso for amd64,
 * cdimage.ubuntu.com/releases/<N>/release/…-arm64.iso for arm64, each directory with SHA256SUMS.
 */
export function ubuntuLayout(req: SourceRequest): SourceLayout {
  const { canonical: release } = req;
  const arch = debianArch[req.arch];
  const point = pointRelease(req.release, release);
  const dir = point ?? release;
  const version = point ? point.replaceAll(".", "\\.") : `${release.replace(".", "\\.")}(?:\\.\\d+)?`;
  return {
    root: req.arch === "x86_64" ? "https://releases.ubuntu.com" : "https://cdimage.ubuntu.com",
    find: {
      kind: "listing",
      dirs: [req.arch === "x86_64" ? `${dir}/` : `releases/${dir}/release/`],
      wanted: `ubuntu-${point ?? `${release}[.<point>]`}-live-server-${arch}.iso`,
      pick(names) {
        const iso = newest(names, new RegExp(`^ubuntu-(${version})-live-server-${arch}\\.iso$`));
        return iso && names.includes("SHA256SUMS") ? { iso: iso.name, checksum: "SHA256SUMS" } : undefined;
      },
    },
  };
}
