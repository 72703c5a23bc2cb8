// Installer profiles: which installer a distribution release uses, and everything the pipeline needs to
// drive it unattended. Each question is one function that switches over the profile kind.
export type { Arch, AnswerFileRequest, Distro, RootFsType, RootPassword, SelinuxMode } from "./request.js";
export type {
  AnacondaGeneration,
  AutoinstallProfile,
  InstallerProfile,
  KickstartProfile,
  KickstartVersion,
  PreseedProfile,
} from "./profile.js";
export { profileFor } from "./profile-for.js";
export { answerFileFor, answerFileNameFor, type AnswerFile, type AnswerFileEntry } from "./answer-file.js";
export { answerVolumeFor, type AnswerVolume, type MediumFacts } from "./answer-volume.js";
export { bootArgsFor, type BootArgEdit, type BootLabels } from "./boot-args.js";
export {
  consoleNoiseFor,
  failureSignaturesFor,
  progressPatternsFor,
  successMarkerFor,
} from "./console-signals.js";
export type { FailureSignature, InstallStage, ProgressPattern } from "./console-patterns.js";
export { consoleFor, needsUefi, targetDisk, type SerialConsole } from "./machine.js";
export { udevEscape } from "./udev-escape.js";
export { InstallerInputError } from "./errors.js";
