import { argName } from "./kernel-cmdline.js";
import { MEDIA_CHECK_ARG } from "./boot-menu.js";

/** What decides whether a menu entry is the plain "install" entry. */
export interface MenuEntryFacts {
  title: string;
  /** Not inside a submenu such as "Troubleshooting" or Debian's "Advanced options". */
  topLevel: boolean;
  /** Loads a Linux kernel (not memtest, chainloading, local boot or firmware setup). */
  bootsLinux: boolean;
  args: readonly string[];
}

// inst.rescue / rescue: Anaconda; rescue/enable: debian-installer.
const RESCUE_ARGS = new Set(["inst.rescue", "rescue", "rescue/enable"]);

function isRescue(entry: MenuEntryFacts): boolean {
  return /rescue/i.test(entry.title) || entry.args.some((arg) => RESCUE_ARGS.has(argName(arg)));
}

export function isInstallCandidate(entry: MenuEntryFacts): boolean {
  return entry.topLevel && entry.bootsLinux && !entry.args.includes(MEDIA_CHECK_ARG) && !isRescue(entry);
}

/**
 * The entry that should boot unattended: the first top-level installer entry without the media
 * check. A text-mode entry wins over a graphical one because only text installers show up on the
 * serial console (Debian lists "Graphical install" before "Install").
 */
export function pickInstallEntry<T extends MenuEntryFacts>(entries: readonly T[]): T | undefined {
  const candidates = entries.filter(isInstallCandidate);
  return candidates.find((entry) => !/graphical/i.test(entry.title)) ?? candidates[0];
}

export function noInstallEntryError(file: string, entries: readonly MenuEntryFacts[]): Error {
  const seen = entries.filter((entry) => entry.bootsLinux).map((entry) => JSON.stringify(entry.title));
  return new Error(
    `${file}: no install entry found (a top-level menu entry that boots a kernel without ${MEDIA_CHECK_ARG} ` +
      `and is not a rescue entry); kernel entries seen: ${seen.join(", ") || "none"}. ` +
      "This boot menu layout is not supported yet; please report it with the file attached",
  );
}
