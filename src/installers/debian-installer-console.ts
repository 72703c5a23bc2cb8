import { literal, type FailureSignature, type ProgressPattern } from "./console-patterns.js";

// What debian-installer shows on a serial console (newt dialogs, drawn with escape sequences around the text).
// The strings are its templates' titles and descriptions.

export const debianInstallerFailures: FailureSignature[] = [
  {
    pattern: "Installation step failed|An installation step failed",
    reason: "a debian-installer step failed",
  },
  // At priority=critical the only dialogs shown are unanswered critical questions and errors: either stalls.
  { pattern: literal("[!!] "), reason: "debian-installer is asking a question the preseed does not answer" },
  {
    pattern: "Failed to (retrieve|process) the preconfiguration file",
    reason: "debian-installer could not read the preseed file from the ISO",
  },
  { pattern: literal("Failed to run preseeded command"), reason: "a preseed early or late command failed" },
  { pattern: literal("Bad archive mirror"), reason: "the package mirror is unreachable or wrong" },
  {
    pattern: literal("Unable to install the selected kernel"),
    reason: "the kernel package could not be installed",
  },
  {
    pattern: "Unable to install GRUB|GRUB installation failed",
    reason: "the boot loader could not be installed",
  },
  { pattern: literal("Debootstrap Error"), reason: "the base system could not be installed" },
  { pattern: literal("No root file system is defined"), reason: "partitioning left no root file system" },
];

export const debianInstallerProgress: ProgressPattern[] = [
  { pattern: "Creating \\S+ file system", stage: "storage" },
  { pattern: literal("Installing the base system"), stage: "packages" },
  { pattern: "Retrieving file (?<done>\\d+) of (?<total>\\d+)", stage: "packages" },
  { pattern: literal("Select and install software"), stage: "packages" },
  { pattern: "Install(ing)? (the )?GRUB", stage: "bootloader" },
  { pattern: literal("Finishing the installation"), stage: "configuration" },
  { pattern: literal("Running preseed"), stage: "post-install" },
];
