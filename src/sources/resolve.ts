import { assertNever } from "../lib/assert-never.js";
import { InstallerInputError } from "../installers/errors.js";
import { profileFor } from "../installers/profile-for.js";
import type { Arch, Distro } from "../installers/request.js";
import { StepFailure } from "../reasons/step-failure.js";
import { errorText } from "../lib/files.js";
import { debianLayout, ubuntuLayout } from "./deb-layouts.js";
import { editionsOf, hasDailyBuilds, type Edition } from "./editions.js";
import type { SourceLayout, SourceRequest } from "./layout.js";
import { listingNames } from "./listing.js";
import { centosStreamLayout, enterpriseLayout, fedoraLayout, openEulerLayout } from "./rpm-layouts.js";

/**
 * Reads a small text document (a directory listing) over HTTP. The caller decides how: size caps,
 * deadlines, redirect and address policy belong to it, not to the layouts.
 */
export type ReadText = (url: string) => Promise<string>;

/** A distribution's own download, named without a URL: what `spec.source.official` and `--distro` ask for. */
export interface OfficialRequest {
  distro: Distro;
  release: string;
  arch: Arch;
  /** Default: the distribution's first edition (editionsOf). */
  edition?: Edition;
  /** Replaces the official root URL (`rootfs sources` shows it); the tree below it must be the same. */
  mirror?: string;
  daily?: boolean;
}

export interface OfficialSource {
  url: string;
  checksumURL: string;
  edition: Edition;
  /** The directory listings read to find it, in order. */
  read: string[];
}

/** The request's layout, or InvalidSpec when the distribution publishes no such image. */
export function layoutFor(req: OfficialRequest): { layout: SourceLayout; request: SourceRequest } {
  const offered = editionsOf(req.distro);
  if (offered.length === 0) {
    throw new StepFailure(
      "InvalidSpec",
      `${req.distro} ISOs cannot be downloaded without an account, so there is no official source to name: download the ISO yourself and set spec.source.iso.url and its checksum`,
    );
  }
  const edition = req.edition ?? offered[0] ?? "dvd";
  if (!offered.includes(edition)) {
    throw new StepFailure(
      "InvalidSpec",
      `${req.distro} publishes no "${edition}" image; set the edition to one of: ${offered.join(", ")}`,
    );
  }
  if (req.daily && !hasDailyBuilds(req.distro)) {
    throw new StepFailure(
      "InvalidSpec",
      `Daily builds are known for openeuler only, not ${req.distro}; drop daily`,
    );
  }
  const canonical = canonicalRelease(req);
  const request: SourceRequest = { ...req, canonical, edition, daily: req.daily ?? false };
  return { layout: layoutOf(request), request };
}

function layoutOf(req: SourceRequest): SourceLayout {
  const { distro } = req;
  switch (distro) {
    case "openeuler":
      return openEulerLayout(req);
    case "fedora":
      return fedoraLayout(req);
    case "centos-stream":
      return centosStreamLayout(req);
    case "rocky":
    case "almalinux":
      return enterpriseLayout({ ...req, distro });
    case "debian":
      return debianLayout(req);
    case "ubuntu":
      return ubuntuLayout(req);
    case "rhel":
      throw new Error("RHEL has no official source (editionsOf is empty)");
    default:
      return assertNever(distro);
  }
}

function canonicalRelease(req: OfficialRequest): string {
  try {
    return profileFor(req.distro, req.release, req.arch).release;
  } catch (err) {
    if (err instanceof InstallerInputError) throw new StepFailure(err.reason, err.message, { cause: err });
    throw err;
  }
}

/**
 * The ISO and checksum URLs of a distribution's own download. Fixed layouts need no network; others read
 * directory listings through `readText`, in order, until one lists the image.
 */
export async function resolveOfficial(req: OfficialRequest, readText: ReadText): Promise<OfficialSource> {
  const { layout, request } = layoutFor(req);
  const root = (req.mirror ?? layout.root).replace(/\/+$/, "");
  const { find } = layout;
  if (find.kind === "fixed") {
    return {
      url: `${root}/${find.dir}${find.picked.iso}`,
      checksumURL: `${root}/${find.dir}${find.picked.checksum}`,
      edition: request.edition,
      read: [],
    };
  }
  const looked: string[] = [];
  const read: string[] = [];
  for (const dir of find.dirs) {
    const dirURL = `${root}/${dir}`;
    let names: string[];
    try {
      names = listingNames(await readText(dirURL));
    } catch (err) {
      looked.push(`${dirURL} (${errorText(err)})`);
      continue;
    }
    read.push(dirURL);
    const picked = find.pick(names);
    if (picked) {
      return {
        url: `${dirURL}${picked.iso}`,
        checksumURL: `${dirURL}${picked.checksum}`,
        edition: request.edition,
        read,
      };
    }
    looked.push(`${dirURL} (lists no such file)`);
  }
  throw new StepFailure(
    "DownloadFailed",
    `Found no ${find.wanted} for ${req.distro} ${req.release} ${req.arch}: looked in ${looked.join("; ")}. ` +
      "Check the release and edition (rootfs sources lists them), the mirror, or name the ISO with spec.source.iso.url",
  );
}

/** Where `distro` keeps its ISOs on one arch, as the official root plus a template, for `rootfs sources`. */
export function officialRoot(req: OfficialRequest): string {
  return layoutFor(req).layout.root;
}
