import { answerVolumeFor, type AnswerVolume } from "./answer-volume.js";
import { assertNever } from "../lib/assert-never.js";
import { consoleFor } from "./machine.js";
import type { InstallerProfile } from "./profile.js";
import type { Arch } from "./request.js";
import { udevEscape } from "./udev-escape.js";

export interface BootLabels {
  /** Volume label of the side volume carrying the answer file (ignored when the answer is embedded). */
  answerVolumeLabel: string;
  /** Volume id of the (remastered) installer ISO. */
  isoLabel: string;
}

/**
 * How to edit every installer boot entry (isolinux, GRUB BIOS and EFI): drop the arguments named in
 * `remove` (by key, with any value), then append `add`. On Debian and Ubuntu, put them before any "---":
 * arguments after it are copied to the installed system.
 */
export interface BootArgEdit {
  add: string[];
  remove: string[];
}

export function bootArgsFor(
  profile: InstallerProfile,
  arch: Arch,
  labels: BootLabels,
  volume: AnswerVolume = answerVolumeFor(profile),
): BootArgEdit {
  const console = consoleFor(arch).kernelArg;
  switch (profile.kind) {
    case "kickstart":
      return {
        add: [
          `inst.stage2=hd:LABEL=${udevEscape(labels.isoLabel)}`,
          `inst.ks=hd:LABEL=${udevEscape(labels.answerVolumeLabel)}:/ks.cfg`,
          "inst.text",
          console,
        ],
        // The media check reads the whole ISO before every install and only ever passes on our own remaster.
        remove: ["rd.live.check", "inst.stage2", "inst.ks", "inst.text", "inst.graphical", "console"],
      };
    case "preseed":
      return {
        // auto=true defers the locale and keyboard questions until the preseed file has been read. From the
        // initrd, /preseed.cfg is read without being named; a preseed/file= there would fail on a medium
        // with no /cdrom, and stop the install.
        add: [
          "auto=true",
          "priority=critical",
          ...(volume.kind === "embedded" ? [`preseed/file=/cdrom${volume.isoPath}`] : []),
          console,
        ],
        remove: ["auto", "priority", "preseed/file", "console"],
      };
    case "autoinstall":
      // With the answer on a cidata volume, cloud-init finds it by label, so no ds=nocloud;s=… (whose ";"
      // GRUB would also need escaped). Without "autoinstall" on the command line 24.04 asks for confirmation.
      return { add: ["autoinstall", console], remove: ["autoinstall", "ds", "console"] };
    default:
      return assertNever(profile);
  }
}
