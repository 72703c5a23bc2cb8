import { literal, type FailureSignature, type ProgressPattern } from "./console-patterns.js";

// What debian-installer shows on a serial console: newt dialogs inside GNU screen. A dialog's title line
// comes first ("[!!] Partition disks": [!!] marks a critical question or an error, [!] a high-priority one;
// at priority=critical both stall an unattended install), then its body, which names the cause. The
// strings are its templates' titles and descriptions.

const dialogTitle: FailureSignature = {
  pattern: "^\\s*\\[!!?\\] \\S",
  reason: "debian-installer stopped at a dialog the preseed does not answer",
  refinable: true,
};

// Most specific first: the first of these matching a line after the dialog's title gives the reason.
const causes: [string, string][] = [
  [
    "Failed to (retrieve|process) the preconfiguration file",
    "debian-installer could not load the preseed file; a netboot or mini.iso installer has no /cdrom, so it must come in the initrd (with no preseed/file= argument)",
  ],
  [
    literal("No network interfaces detected"),
    "debian-installer found no network interface, but the preseed configures the network; install offline (no spec.install.network) or give the VM a network card",
  ],
  [
    literal("Name server addresses"),
    "debian-installer asks for name servers: DHCP gave none and the preseed does not answer netcfg/get_nameservers",
  ],
  [
    "Bad archive mirror|Architecture not supported|Downloading a file failed|mirror does not seem to support",
    "the package mirror is unreachable, or it lacks the release or architecture; check spec.install.network.mirror",
  ],
  [
    "error while loading shared libraries: (?<library>[^:\\s]+)",
    "debian-installer could not load $<library>: the installer component (udeb) that provides it is missing from the mirror",
  ],
  [
    "Loading (?<component>\\S+) failed for unknown reasons",
    "debian-installer could not load the installer component $<component> from the mirror",
  ],
  [
    "No partitionable media|No root file system is defined|Failed to partition|partitioning failed|parted_server",
    "partitioning the target disk failed",
  ],
  [literal("Failed to run preseeded command"), "a preseed early or late command failed"],
  [literal("Unable to install the selected kernel"), "the kernel package could not be installed"],
  ["Unable to install GRUB|GRUB installation failed", "the boot loader could not be installed"],
  [literal("Debootstrap Error"), "the base system could not be installed"],
];

export const debianInstallerFailures: FailureSignature[] = [
  ...causes.map(([pattern, reason]) => ({ pattern, reason })),
  // From the installer's syslog, which the preseed copies to the console (error lines only).
  {
    pattern: "Configuring '(?<component>[^']+)' failed",
    reason: "the installer component $<component> failed",
    refinable: true,
  },
  // At priority=critical, debian-installer is back at its main menu only after a step failed.
  {
    pattern: "^\\s*\\[!!?\\] Debian installer main menu",
    reason: "an install step failed and debian-installer went back to its main menu",
    refinable: true,
  },
  {
    pattern: "Installation step failed|An installation step failed",
    reason: "a debian-installer step failed",
    refinable: true,
  },
  dialogTitle,
];

/** GNU screen's status bar ("[ (1*installer) 2 shell … ][ Dec 03 13:16 ]") and newt's key help. */
export const debianInstallerNoise: string[] = [
  "^\\s*\\[.*\\]\\[ \\w{3} \\d{2} \\d{2}:\\d{2} \\]",
  literal("<Tab> moves; <Space> selects; <Enter> activates buttons"),
];

export const debianInstallerProgress: ProgressPattern[] = [
  { pattern: "Creating \\S+ file system", stage: "storage" },
  { pattern: literal("Installing the base system"), stage: "packages" },
  { pattern: "Retrieving file (?<done>\\d+) of (?<total>\\d+)", stage: "packages" },
  // anna loading installer components from the mirror.
  { pattern: "^Retrieving [a-z0-9][a-z0-9.+-]+$", stage: "packages" },
  { pattern: literal("Select and install software"), stage: "packages" },
  { pattern: "Install(ing)? (the )?GRUB", stage: "bootloader" },
  { pattern: literal("Finishing the installation"), stage: "configuration" },
  { pattern: literal("Running preseed"), stage: "post-install" },
];
