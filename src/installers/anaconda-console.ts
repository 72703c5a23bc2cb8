import { literal, type FailureSignature, type ProgressPattern } from "./console-patterns.js";

// What anaconda prints that matters. The failure strings are the ones lorax's livemedia-creator watches for
// (src/pylorax/monitor.py, LogRequestHandler), which also skips any line containing "IGNORED".

const unlessIgnored = (pattern: string) => `^(?!.*IGNORED).*${pattern}`;

const fromLorax: [string, string][] = [
  [literal("Traceback ("), "anaconda crashed with a Python traceback"],
  [literal("traceback script(s) have been run"), "anaconda crashed and ran the %traceback scripts"],
  [literal("Call Trace:"), "the installer's kernel oopsed"],
  [
    literal("insufficient disk space:"),
    "the target disk is too small for the package set; raise the disk size",
  ],
  [
    literal("Not enough disk space to download the packages"),
    "the target disk is too small; raise the disk size",
  ],
  [literal("error populating transaction after"), "the package transaction could not be resolved"],
  [literal("crashed on signal"), "an installer process crashed"],
  [
    literal("packaging: Missed: NoSuchPackage"),
    "a requested package does not exist in the ISO's repositories",
  ],
  [literal("packaging: Installation failed"), "the package installation failed"],
  [
    literal("The following error occurred while installing.  This is a fatal error"),
    "the package installation hit a fatal error",
  ],
  [literal("Error in POSTIN scriptlet in rpm package"), "an RPM %post scriptlet failed"],
  ["Process [0-9]+ \\(anaconda\\) of user [0-9]+ dumped core", "anaconda dumped core"],
  [
    "packaging: base repo (?!\\(CDROM/file).* not valid",
    "the installation repository on the ISO is not valid",
  ],
  ["packaging: .* requires .*", "package dependencies cannot be satisfied"],
];

// Not in lorax's list; from anaconda's sources.
const fromAnaconda: [string, string][] = [
  [
    literal("Not enough space in file systems for the current software selection"),
    "the target disk is too small for the package set; raise the disk size",
  ],
  [
    literal("The following error was found while parsing the kickstart configuration"),
    "anaconda rejected the kickstart",
  ],
  [literal("There was an error running the kickstart script"), "a kickstart %pre or %post script failed"],
  [
    literal("The installation was stopped due to incomplete spokes"),
    "the kickstart leaves a setting unanswered (text --non-interactive stops instead of asking)",
  ],
  [
    literal("Please make a selection from the above"),
    "anaconda is waiting for input the kickstart did not give",
  ],
  [literal("An unknown error has occurred"), "anaconda hit an unexpected error"],
  [
    "Error checking software (selection|dependencies)",
    "a requested package or group does not exist in the ISO's repositories",
  ],
  [
    literal("Entering emergency mode"),
    "the installer's initramfs could not find the ISO or the answer volume; check the volume labels in the boot arguments",
  ],
];

export const anacondaFailures: FailureSignature[] = [...fromLorax, ...fromAnaconda].map(
  ([pattern, reason]) => ({
    pattern: unlessIgnored(pattern),
    reason,
  }),
);

// anaconda's text mode prints the status message of each installation task queue, blivet's "Creating …"
// messages, and one "Installing <nevra> (n/total)" line per package.
export const anacondaProgress: ProgressPattern[] = [
  { pattern: literal("Configuring storage"), stage: "storage" },
  { pattern: "Creating \\S+ on /dev/\\S+", stage: "storage" },
  { pattern: literal("Starting package installation process"), stage: "packages" },
  { pattern: "Installing (?<package>\\S+) \\((?<done>\\d+)/(?<total>\\d+)\\)", stage: "packages" },
  { pattern: literal("Performing post-installation setup tasks"), stage: "packages" },
  { pattern: literal("Installing boot loader"), stage: "bootloader" },
  { pattern: literal("Configuring installed system"), stage: "configuration" },
  { pattern: literal("Generating initramfs"), stage: "configuration" },
  { pattern: literal("Running post-installation scripts"), stage: "post-install" },
];
