/** What the remaster step asks of every boot menu, and what it reports back. */

export interface BootMenuOptions {
  /** Added to every entry that boots the installer kernel, e.g. `inst.ks=hd:LABEL=OEMDRV:/ks.cfg`. */
  kernelArgs: readonly string[];
  /** Serial console for `console=`, e.g. `ttyS0,115200`; added last so it becomes /dev/console. */
  serialConsole?: string;
}

export interface EntryChange {
  /** Menu title as the user sees it; submenu entries as "Troubleshooting --> > Rescue …". */
  title: string;
  /** isolinux `label` name. */
  label?: string;
  argsAdded: string[];
  argsRemoved: string[];
}

export interface BootConfigChange {
  /** Path inside the ISO, or `<image>:<path>` for a file inside the EFI boot image. */
  file: string;
  entries: EntryChange[];
  /** Entry titles; `from` is undefined when the config named no default. */
  defaultEntry?: { from?: string; to: string };
  timeoutSeconds?: { from?: number; to: number };
}

export interface PatchedConfig {
  file: string;
  text: string;
  changed: boolean;
  change: BootConfigChange;
}

/** Boot loaders wait this long before booting the default entry. */
export const UNATTENDED_TIMEOUT_SECONDS = 1;

/** Anaconda's "Test this media" entry: it checks the ISO's implanted MD5, which remastering invalidates. */
export const MEDIA_CHECK_ARG = "rd.live.check";

export const SERIAL_CONSOLES = {
  x86_64: "ttyS0,115200",
  aarch64: "ttyAMA0,115200",
} as const;

/** The arguments every installer entry gets, validated; the serial console comes last. */
export function installerArgs(options: BootMenuOptions): string[] {
  const args = [...options.kernelArgs];
  if (options.serialConsole !== undefined) {
    const device = options.serialConsole.replace(/^console=/, "");
    args.push(`console=${device}`);
  }
  for (const arg of args) {
    if (arg === "" || /[\s\p{Cc}]/u.test(arg)) {
      throw new Error(
        `Kernel argument ${JSON.stringify(arg)} is empty or contains whitespace: boot menus cannot carry it; ` +
          "pass each argument separately and escape labels with udevEscape() (a space becomes \\x20)",
      );
    }
  }
  return args;
}
