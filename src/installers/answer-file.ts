import { assertNever } from "../lib/assert-never.js";
import { autoinstallFor } from "./autoinstall.js";
import { invalidSpec } from "./errors.js";
import { kickstartFor } from "./kickstart.js";
import { preseedFor } from "./preseed.js";
import type { InstallerProfile } from "./profile.js";
import type { AnswerFileRequest } from "./request.js";

export interface AnswerFileEntry {
  /** Relative to the root of the answer volume (or of the ISO, for an embedded answer). */
  path: string;
  content: string;
}

export interface AnswerFile {
  /** The file the installer is pointed at. */
  fileName: "ks.cfg" | "preseed.cfg" | "user-data";
  /** Every file to place, the named one included (NoCloud also needs meta-data). */
  files: AnswerFileEntry[];
}

/** The file each installer is pointed at. */
export function answerFileNameFor(profile: InstallerProfile): AnswerFile["fileName"] {
  switch (profile.kind) {
    case "kickstart":
      return "ks.cfg";
    case "preseed":
      return "preseed.cfg";
    case "autoinstall":
      return "user-data";
    default:
      return assertNever(profile);
  }
}

/**
 * The answer file that installs `request` unattended on one disk, powering the VM off at the end: ours with
 * the user's fragments merged in, or the user's own file with what an unattended build needs added. Throws
 * InstallerInputError when the request or a user input cannot work, naming what to change.
 */
export function answerFileFor(profile: InstallerProfile, request: AnswerFileRequest): AnswerFile {
  if (request.userAnswerFile !== undefined && request.fragments.length > 0) {
    throw invalidSpec(
      "Answer-file fragments cannot be combined with a complete answer file; use one or the other.",
    );
  }
  switch (profile.kind) {
    case "kickstart":
      return { fileName: "ks.cfg", files: [{ path: "ks.cfg", content: kickstartFor(profile, request) }] };
    case "preseed":
      return {
        fileName: "preseed.cfg",
        files: [{ path: "preseed.cfg", content: preseedFor(profile, request) }],
      };
    case "autoinstall":
      return {
        fileName: "user-data",
        files: [
          { path: "user-data", content: autoinstallFor(profile, request) },
          // NoCloud requires meta-data; a fixed instance-id is fine since each install VM boots once.
          { path: "meta-data", content: "instance-id: rootfs-operator-install\n" },
        ],
      };
    default:
      return assertNever(profile);
  }
}
