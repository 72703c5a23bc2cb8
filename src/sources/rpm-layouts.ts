import type { Edition } from "./editions.js";
import { pointRelease, type Picked, type SourceLayout, type SourceRequest } from "./layout.js";
import { newest } from "./listing.js";

// The kickstart distributions' download trees, as their release docs and mirror layouts give them
// (see test/fixtures/sources/ for the listings the tests read and where each comes from).

const escape = (text: string) => text.replace(/[.+]/g, (c) => `\\${c}`);

/**
 * openEuler: repo.openeuler.org/openEuler-<release>/ISO/<arch>/openEuler-<release>[-everything|-netinst]-
 * <arch>-dvd.iso with a <iso>.sha256sum beside it. Daily builds: dailybuild/EBS-openEuler-<release>/
 * holds one openeuler-<date-time>/ directory per build (the last ten days) with the same ISO/ tree.
 */
export function openEulerLayout(req: SourceRequest): SourceLayout {
  const { canonical: release, arch } = req;
  const variant = req.edition === "dvd" ? "" : `-${req.edition}`;
  const iso = `openEuler-${release}${variant}-${arch}-dvd.iso`;
  if (!req.daily) {
    return {
      root: "https://repo.openeuler.org",
      find: {
        kind: "fixed",
        dir: `openEuler-${release}/ISO/${arch}/`,
        picked: { iso, checksum: `${iso}.sha256sum` },
      },
    };
  }
  return {
    root: "http://121.36.84.172/dailybuild",
    find: {
      kind: "listing",
      dirs: [`EBS-openEuler-${release}/`],
      wanted: `openeuler-<date-time>/ISO/${arch}/${iso}`,
      pick(names) {
        const build = newest(names, /^openeuler-(\d{4}(?:-\d{2}){5})\/$/)?.name;
        if (build === undefined) return undefined;
        return { iso: `${build}ISO/${arch}/${iso}`, checksum: `${build}ISO/${arch}/${iso}.sha256sum` };
      },
    },
  };
}

/**
 * Fedora: releases/<N>/<Server|Everything>/<arch>/iso/Fedora-<variant>-<dvd|netinst>-<arch>-<N>-<compose>.iso
 * with Fedora-<variant>-<N>-<compose>-<arch>-CHECKSUM; releases past their end of life move under archive/.
 */
export function fedoraLayout(req: SourceRequest): SourceLayout {
  const { canonical: release, arch } = req;
  const variant = req.edition === "everything" ? "Everything" : "Server";
  const kind = req.edition === "dvd" ? "dvd" : "netinst";
  const tree = `linux/releases/${release}/${variant}/${arch}/iso/`;
  return {
    root: "https://dl.fedoraproject.org/pub",
    find: {
      kind: "listing",
      dirs: [`fedora/${tree}`, `archive/fedora/${tree}`],
      wanted: `Fedora-${variant}-${kind}-${arch}-${release}-<compose>.iso`,
      pick(names) {
        const iso = newest(
          names,
          new RegExp(`^Fedora-${variant}-${kind}-${arch}-${release}-(\\d+\\.\\d+)\\.iso$`),
        );
        const checksum = iso && `Fedora-${variant}-${release}-${iso.version}-${arch}-CHECKSUM`;
        return iso && checksum && names.includes(checksum) ? { iso: iso.name, checksum } : undefined;
      },
    },
  };
}

/** CentOS Stream: <N>-stream/BaseOS/<arch>/iso/CentOS-Stream-<N>-latest-<arch>-<dvd1|boot>.iso + .SHA256SUM. */
export function centosStreamLayout(req: SourceRequest): SourceLayout {
  const { canonical: release, arch } = req;
  const major = release.replace(/-stream$/i, "");
  const iso = `CentOS-Stream-${major}-latest-${arch}-${req.edition === "netinst" ? "boot" : "dvd1"}.iso`;
  return {
    root: "https://mirror.stream.centos.org",
    find: {
      kind: "fixed",
      dir: `${major}-stream/BaseOS/${arch}/iso/`,
      picked: { iso, checksum: `${iso}.SHA256SUM` },
    },
  };
}

/**
 * Rocky Linux and AlmaLinux: <major>/isos/<arch>/ (a link to the newest point release) lists
 * <Name>-<major>.<minor>-<arch>-<dvd|boot|minimal>.iso and one CHECKSUM file for all of them; older point
 * releases move to the vault.
 */
export function enterpriseLayout(req: SourceRequest & { distro: "rocky" | "almalinux" }): SourceLayout {
  const { arch } = req;
  // profileFor keeps a point release as given (9.5); the tree is by major version.
  const major = req.canonical.split(".")[0] ?? req.canonical;
  const point = pointRelease(req.release, major);
  const rocky = req.distro === "rocky";
  const name = rocky ? "Rocky" : "AlmaLinux";
  const current = rocky
    ? `pub/rocky/${point ?? major}/isos/${arch}/`
    : `almalinux/${point ?? major}/isos/${arch}/`;
  const vault = rocky ? `vault/rocky/${point}/isos/${arch}/` : `vault/${point}/isos/${arch}/`;
  // Rocky 8 names its DVD dvd1.
  const kind = enterpriseImage(req.edition, rocky ? "dvd1?" : "dvd");
  const version = point ? escape(point) : `${major}\\.\\d+`;
  return {
    root: rocky ? "https://download.rockylinux.org" : "https://repo.almalinux.org",
    find: {
      kind: "listing",
      dirs: point ? [current, vault] : [current],
      wanted: `${name}-${point ?? `${major}.<minor>`}-${arch}-${kind.replace("1?", "")}.iso`,
      pick(names): Picked | undefined {
        const iso = newest(names, new RegExp(`^${name}-(${version})-${arch}-${kind}\\.iso$`));
        return iso && names.includes("CHECKSUM") ? { iso: iso.name, checksum: "CHECKSUM" } : undefined;
      },
    },
  };
}

function enterpriseImage(edition: Edition, dvd: string): string {
  const image = edition === "dvd" ? dvd : edition === "netinst" ? "boot" : edition;
  if (image !== dvd && image !== "boot" && image !== "minimal")
    throw new Error(`Rocky Linux and AlmaLinux publish no ${edition} image`);
  return image;
}
