import { assertNever } from "./assert-never.js";
import type { InstallerProfile } from "./profile.js";

/**
 * Where the answer file rides. A side volume is a small extra disk (or ISO) carrying the files of
 * answerFileFor() at its root; "embedded" means the remaster step writes the file into the ISO itself.
 */
export type AnswerVolume =
  | { kind: "side-volume"; label: "OEMDRV" | "cidata" }
  | { kind: "embedded"; isoPath: typeof debianPreseedIsoPath };

export const debianPreseedIsoPath = "/preseed.cfg";

export function answerVolumeFor(profile: InstallerProfile): AnswerVolume {
  switch (profile.kind) {
    case "kickstart":
      // anaconda also looks for ks.cfg on a volume labelled OEMDRV by itself; boot args name it explicitly.
      return { kind: "side-volume", label: "OEMDRV" };
    case "preseed":
      // debian-installer reads preseed files only from its initrd, the network or the mounted ISO (/cdrom).
      return { kind: "embedded", isoPath: debianPreseedIsoPath };
    case "autoinstall":
      // cloud-init's NoCloud datasource finds user-data and meta-data on a filesystem labelled cidata.
      return { kind: "side-volume", label: "cidata" };
    default:
      return assertNever(profile);
  }
}
