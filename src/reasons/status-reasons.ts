// The closed set of reasons a build reports, one documented line each: users grep for them, and
// docs/troubleshooting.md has an entry per failure reason.

export const progressReasons = {
  Pending: "The build is waiting to start.",
  Fetching: "The ISO is being downloaded and verified.",
  Remastering: "The ISO is being remastered to install unattended.",
  Installing: "The installer is running in a VM.",
  Extracting: "The installed disk is being extracted into the outputs.",
  Publishing: "The outputs are being written to storage.",
} as const;

export const successReasons = {
  Built: "Every requested output was produced and published.",
  CatalogHit: "An identical build already exists in the catalog; its artifacts are reused.",
} as const;

export const failureReasons = {
  InvalidSpec:
    "The spec cannot be built as written (e.g. an unsupported release); fix the field named in the message.",
  ReferenceNotFound: "A Secret or ConfigMap the spec names does not exist or lacks the key.",
  AnswerFileInvalid: "The answer file (generated plus your fragments, or your own) failed validation.",
  SourceNotAllowed:
    "The source's scheme, address or checksum mode is one the operator's configuration does not allow for tenants.",
  SourceTooLarge: "The ISO is larger than the operator's sources.maxISOSize.",
  DownloadFailed: "The ISO or its checksum file could not be downloaded.",
  ChecksumMismatch:
    "The downloaded ISO does not match the sha256 the build resolved when it started (the literal checksum, or the checksum file as first read).",
  UnsupportedISO: "The ISO's boot layout is not one the remaster step knows.",
  UnsupportedMedia:
    "The ISO cannot install spec.os: a live image, another distribution's installer, or no kernel to boot; the message names the image to use.",
  InstallFailed: "The installer reported an error; the message holds the matching console lines.",
  InstallTimeout: "The install ran longer than spec.install.timeout.",
  ExtractFailed: "The installed disk could not be inspected or extracted.",
  PublishFailed: "The outputs could not be written to the PVC or uploaded to S3.",
  CatalogNameTaken:
    "spec.catalogName names a catalog entry that another build published, for another build key or another namespace.",
} as const;

export type ProgressReason = keyof typeof progressReasons;
export type SuccessReason = keyof typeof successReasons;
export type FailureReason = keyof typeof failureReasons;
export type Reason = ProgressReason | SuccessReason | FailureReason;

export const phases = [
  "Pending",
  "Fetching",
  "Remastering",
  "Installing",
  "Extracting",
  "Publishing",
  "Succeeded",
  "Failed",
] as const;
export type Phase = (typeof phases)[number];
