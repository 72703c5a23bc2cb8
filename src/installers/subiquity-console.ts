import { literal, type FailureSignature, type ProgressPattern } from "./console-patterns.js";

// What subiquity prints on the console. The autoinstall sets `reporting: {builtin: {type: print}}`, so curtin
// and subiquity events appear as "start: <name>: <description>" and "finish: <name>: <RESULT>: <description>".

export const subiquityFailures: FailureSignature[] = [
  { pattern: "^finish: \\S+: FAIL", reason: "an installer stage failed" },
  { pattern: literal("subiquity/ErrorReporter"), reason: "subiquity wrote a crash report" },
  {
    pattern: literal("Traceback (most recent call last)"),
    reason: "the installer crashed with a Python traceback",
  },
  { pattern: "Malformed autoinstall in '[^']*' section", reason: "subiquity rejected the autoinstall" },
  {
    pattern: literal("The provided autoinstall config did not validate successfully"),
    reason: "subiquity rejected the autoinstall",
  },
  {
    pattern: "Sorry, (there was a problem|the installer has|an unknown error)",
    reason: "subiquity stopped on an error screen",
  },
];

export const subiquityProgress: ProgressPattern[] = [
  { pattern: "^start: \\S*stage-partitioning", stage: "storage" },
  { pattern: "^start: \\S*stage-extract", stage: "packages" },
  {
    pattern: "^start: \\S*(install-grub|installing grub)|installing grub to target devices",
    stage: "bootloader",
  },
  { pattern: "^start: \\S*stage-curthooks", stage: "configuration" },
  { pattern: "^start: subiquity/Late/", stage: "post-install" },
];
