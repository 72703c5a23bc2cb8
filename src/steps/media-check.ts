import { assertNever } from "../lib/assert-never.js";
import type { InstallerProfile } from "../installers/profile.js";
import { classifyMedia, missingBootFiles, type InstallerFamily, type MediaFacts } from "../iso/media.js";
import { layoutFor } from "../sources/index.js";
import { StepFailure } from "../reasons/step-failure.js";

// The remaster step's first question: can this ISO install what the build asks for? A live image, an
// installer of another family, or an image without the kernel and initrd its installer boots is refused
// with UnsupportedMedia before anything is written, and the message says which image to use instead.

function familyOf(profile: InstallerProfile): InstallerFamily {
  switch (profile.kind) {
    case "kickstart":
      return "anaconda";
    case "preseed":
      return "debian-installer";
    case "autoinstall":
      return "subiquity";
    default:
      return assertNever(profile);
  }
}

const familyNames: Record<InstallerFamily, string> = {
  anaconda: "an Anaconda installer (kickstart)",
  "debian-installer": "a debian-installer (preseed)",
  subiquity: "an Ubuntu live-server installer (autoinstall)",
};

/** Where the right image is: the distribution's own source when it has one. */
function insteadUse(profile: InstallerProfile): string {
  const { distro, release, arch } = profile;
  try {
    const { layout, request } = layoutFor({ distro, release, arch });
    const where =
      layout.find.kind === "fixed"
        ? `${layout.root}/${layout.find.dir}${layout.find.picked.iso}`
        : `${layout.find.wanted} from ${layout.root}/${layout.find.dirs[0] ?? ""}`;
    return `use the ${distro} ${release} ${request.edition} installer ISO, e.g. ${where} (spec.source.official: {} finds it; rootfs sources --distro ${distro} lists the images)`;
  } catch {
    return `use the ${distro} ${release} installer ISO (its boot or DVD image)`;
  }
}

/** Throws UnsupportedMedia when `iso` cannot install `profile`'s distribution unattended. */
export function checkMedia(iso: string, facts: MediaFacts, profile: InstallerProfile): void {
  const want = familyOf(profile);
  const media = classifyMedia(facts);
  const { distro, release } = profile;
  if (media.kind === "live") {
    throw new StepFailure(
      "UnsupportedMedia",
      `${iso} is a live image (${media.evidence}): it boots a live system, not an installer, so nothing would install. Instead, ${insteadUse(profile)}`,
    );
  }
  if (media.kind === "installer" && media.family !== want) {
    throw new StepFailure(
      "UnsupportedMedia",
      `${iso} is ${familyNames[media.family]} ISO (${media.evidence}), but spec.os says ${distro} ${release}, which installs with ${familyNames[want]}. Set spec.os to the ISO's distribution, or ${insteadUse(profile)}`,
    );
  }
  const missing = missingBootFiles(facts, want);
  if (missing !== undefined) {
    throw new StepFailure(
      "UnsupportedMedia",
      `${iso} has no ${missing}, so ${familyNames[want]} cannot start from it. Instead, ${insteadUse(profile)}`,
    );
  }
}
