import { assertNever } from "../lib/assert-never.js";
import type { InstallerProfile } from "./profile.js";

/**
 * Where the answer file rides. A side volume is a small extra disk (or ISO) carrying the files of
 * answerFileFor() at its root; "embedded" means the remaster step writes the file into the ISO itself,
 * where the installer reads it from the mounted medium; "initrd" means it is appended to the installer's
 * initrd (as virt-install --initrd-inject does), at its root.
 */
export type AnswerVolume =
  | { kind: "side-volume"; label: "OEMDRV" | "cidata" }
  | { kind: "embedded"; isoPath: typeof debianPreseedIsoPath }
  | { kind: "initrd" };

export const debianPreseedIsoPath = "/preseed.cfg";

/** What the remaster step found out about the installer medium. */
export interface MediumFacts {
  /** The installer mounts the medium (Debian's /cdrom) and can read an answer file from it. */
  mountedByInstaller: boolean;
}

/**
 * Where the answer file goes for this installer, on this medium; without medium facts (before the ISO is
 * probed), where it goes on the distribution's install discs.
 */
export function answerVolumeFor(
  profile: InstallerProfile,
  medium: MediumFacts = { mountedByInstaller: true },
): AnswerVolume {
  switch (profile.kind) {
    case "kickstart":
      // anaconda also looks for ks.cfg on a volume labelled OEMDRV by itself; boot args name it explicitly.
      return { kind: "side-volume", label: "OEMDRV" };
    case "preseed":
      // debian-installer reads preseed files only from its initrd, the network or the mounted medium (/cdrom);
      // netboot media (mini.iso) have no cdrom stage, and /preseed.cfg in the initrd is read by itself.
      return medium.mountedByInstaller
        ? { kind: "embedded", isoPath: debianPreseedIsoPath }
        : { kind: "initrd" };
    case "autoinstall":
      // cloud-init's NoCloud datasource finds user-data and meta-data on a filesystem labelled cidata.
      return { kind: "side-volume", label: "cidata" };
    default:
      return assertNever(profile);
  }
}
