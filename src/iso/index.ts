// Installer ISO remastering: volume-label probing, boot-menu patching (isolinux, GRUB, efiboot.img)
// and xorriso rewrite. Everything here works without root.
export type { BootConfigChange, BootMenuOptions, EntryChange, PatchedConfig } from "./boot-menu.js";
export { installerArgs, MEDIA_CHECK_ARG, SERIAL_CONSOLES, UNATTENDED_TIMEOUT_SECONDS } from "./boot-menu.js";
export { formatBootConfigChanges } from "./change-report.js";
export { findFatGrubConfigs, listFatFiles, readFatFile, writeFatFile } from "./efiboot.js";
export type { ElToritoImage, IsoBootLayout, IsoListing } from "./iso-layout.js";
export { bootLayoutOf, parseXorrisoListing } from "./iso-layout.js";
export { patchGrubConfig } from "./patch-grub.js";
export type { IsolinuxFile } from "./patch-isolinux.js";
export { patchIsolinuxConfigs } from "./patch-isolinux.js";
export { classifyMedia, mediaFacts, type MediaFacts, type MediaKind } from "./media.js";
export { probeIso } from "./probe.js";
export type { IsoFile, RemasterOptions, RemasterResult } from "./remaster.js";
export { remasterIso } from "./remaster.js";
export type { SideVolumeOptions } from "./side-volume.js";
export { writeSideVolume } from "./side-volume.js";
export { initrdsIn, probeInstallMedium, type InstallMedium } from "./install-medium.js";
export { extractFromIso } from "./xorriso.js";
