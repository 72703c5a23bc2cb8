import type { BootConfigChange, BootMenuOptions, EntryChange, PatchedConfig } from "./boot-menu.js";
import { installerArgs, MEDIA_CHECK_ARG, UNATTENDED_TIMEOUT_SECONDS } from "./boot-menu.js";
import { noInstallEntryError, pickInstallEntry } from "./install-entry.js";
import { editKernelArgs, grubQuoted, quoteKernelArg, tokenizeCmdline } from "./kernel-cmdline.js";

interface GrubEntry {
  title: string;
  topLevel: boolean;
  /** Position among top-level menuentry/submenu items: what `set default=N` counts. */
  topLevelIndex: number | undefined;
  /** Inside `if … fi`: GRUB may skip it, so indexes after it are not reliable. */
  conditional: boolean;
  bootsLinux: boolean;
  kernelLines: number[];
  args: string[];
}

interface GrubScan {
  entries: GrubEntry[];
  defaultLines: number[];
  timeoutLines: number[];
}

const KERNEL_LINE = /^(\s*(?:linux|linuxefi|linux16)\s+)(\S+)(.*)$/;
const SETTING_LINE = /^(\s*set\s+(default|timeout)\s*=\s*)(.*?)(\s*)$/;
const ENTRY_OPTIONS_WITH_VALUE = new Set(["--class", "--users", "--hotkey", "--id"]);

function entryTitle(line: string): string {
  const words = tokenizeCmdline(line.replace(/\{\s*$/, ""), "grub").map((token) => token.value);
  for (let i = 1; i < words.length; i++) {
    const word = words[i] ?? "";
    if (ENTRY_OPTIONS_WITH_VALUE.has(word)) i++;
    else if (!word.startsWith("--")) return word;
  }
  return "";
}

function scanGrub(lines: readonly string[]): GrubScan {
  const scan: GrubScan = { entries: [], defaultLines: [], timeoutLines: [] };
  const blocks: { entry?: GrubEntry; title?: string }[] = [];
  let topLevelCount = 0;
  let ifDepth = 0;
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    const menuDepth = blocks.filter((block) => block.title !== undefined).length;
    const current = blocks[blocks.length - 1]?.entry;
    const item = /^(menuentry|submenu)\s/.exec(trimmed);
    if (item) {
      const title = entryTitle(trimmed);
      const topLevelIndex = menuDepth === 0 ? topLevelCount++ : undefined;
      const path = [...blocks.flatMap((block) => (block.title === undefined ? [] : [block.title])), title];
      const entry: GrubEntry = {
        title: path.join(" > "),
        topLevel: menuDepth === 0,
        topLevelIndex,
        conditional: ifDepth > 0,
        bootsLinux: false,
        kernelLines: [],
        args: [],
      };
      if (item[1] === "menuentry") scan.entries.push(entry);
      if (trimmed.endsWith("{")) blocks.push({ title, ...(item[1] === "menuentry" ? { entry } : {}) });
    } else if (trimmed.endsWith("{")) {
      blocks.push({});
    } else if (trimmed === "}") {
      blocks.pop();
    } else if (/^if\s/.test(trimmed)) {
      ifDepth++;
    } else if (trimmed === "fi" || trimmed.startsWith("fi ") || trimmed.startsWith("fi;")) {
      ifDepth = Math.max(0, ifDepth - 1);
    } else if (current) {
      const kernel = KERNEL_LINE.exec(line);
      if (kernel && !/memtest/i.test(kernel[2] ?? "")) {
        if (!current.bootsLinux) current.args = tokenizeCmdline(kernel[3] ?? "", "grub").map((t) => t.value);
        current.bootsLinux = true;
        current.kernelLines.push(index);
      }
    } else if (menuDepth === 0) {
      const setting = SETTING_LINE.exec(line);
      if (setting?.[2] === "default") scan.defaultLines.push(index);
      if (setting?.[2] === "timeout") scan.timeoutLines.push(index);
    }
  });
  return scan;
}

function settingValue(line: string): string {
  return tokenizeCmdline(SETTING_LINE.exec(line)?.[3] ?? "", "grub")[0]?.value ?? "";
}

/** Rewrites `set name=value`, keeping the quote style the distro used. */
function withSettingValue(line: string, value: string): string {
  const match = SETTING_LINE.exec(line);
  if (!match) return line;
  const old = match[3] ?? "";
  const quote = old.startsWith('"') ? '"' : old.startsWith("'") ? "'" : "";
  const written = quote ? `${quote}${value}${quote}` : quoteKernelArg(value, "grub");
  return `${match[1] ?? ""}${written}${match[4] ?? ""}`;
}

/** The value for `set default=`: the index, or the title when entries inside `if` blocks make indexes ambiguous. */
function defaultValueFor(install: GrubEntry, entries: readonly GrubEntry[]): string {
  const ambiguous = entries.some(
    (entry) => entry.conditional && (entry.topLevelIndex ?? Infinity) < (install.topLevelIndex ?? 0),
  );
  return ambiguous ? install.title : String(install.topLevelIndex);
}

function describeDefault(value: string, entries: readonly GrubEntry[]): string {
  if (!/^\d+$/.test(value)) return value;
  return entries.find((entry) => entry.topLevelIndex === Number(value))?.title ?? `entry ${value}`;
}

/**
 * Patches a GRUB config (EFI/BOOT/grub.cfg, boot/grub2/grub.cfg, boot/grub/grub.cfg) for an
 * unattended boot: installer args on every kernel entry, no media check, install entry default,
 * 1 s timeout. Configs without kernel entries (e.g. ones that only `source` another) come back unchanged.
 */
export function patchGrubConfig(file: string, text: string, options: BootMenuOptions): PatchedConfig {
  const args = installerArgs(options);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(eol);
  const scan = scanGrub(lines);
  const change: BootConfigChange = { file, entries: [] };
  const kernelEntries = scan.entries.filter((entry) => entry.bootsLinux);
  if (kernelEntries.length === 0) return { file, text, changed: false, change };

  const install = pickInstallEntry(scan.entries);
  if (!install) throw noInstallEntryError(file, scan.entries);

  for (const entry of kernelEntries) {
    const entryChange: EntryChange = { title: entry.title, argsAdded: [], argsRemoved: [] };
    for (const index of entry.kernelLines) {
      const match = KERNEL_LINE.exec(lines[index] ?? "");
      if (!match) continue;
      const edit = editKernelArgs(match[3] ?? "", "grub", args, [MEDIA_CHECK_ARG]);
      lines[index] = `${match[1] ?? ""}${match[2] ?? ""}${edit.text}`;
      entryChange.argsAdded.push(...edit.added.filter((arg) => !entryChange.argsAdded.includes(arg)));
      entryChange.argsRemoved.push(...edit.removed.filter((arg) => !entryChange.argsRemoved.includes(arg)));
    }
    change.entries.push(entryChange);
  }

  const defaultValue = defaultValueFor(install, scan.entries);
  const oldDefault =
    scan.defaultLines.length > 0 ? settingValue(lines[scan.defaultLines[0] ?? 0] ?? "") : undefined;
  const oldTimeout =
    scan.timeoutLines.length > 0 ? settingValue(lines[scan.timeoutLines[0] ?? 0] ?? "") : undefined;
  for (const index of scan.defaultLines) lines[index] = withSettingValue(lines[index] ?? "", defaultValue);
  for (const index of scan.timeoutLines)
    lines[index] = withSettingValue(lines[index] ?? "", String(UNATTENDED_TIMEOUT_SECONDS));
  // Inserted at the top, before any menuentry, so they apply to the whole menu.
  const inserted: string[] = [];
  if (oldDefault === undefined) inserted.push(`set default=${grubQuoted(defaultValue)}`);
  if (oldTimeout === undefined) inserted.push(`set timeout=${UNATTENDED_TIMEOUT_SECONDS}`);
  lines.unshift(...inserted);

  if (oldDefault !== defaultValue) {
    const from = oldDefault === undefined ? undefined : describeDefault(oldDefault, scan.entries);
    change.defaultEntry = from === undefined ? { to: install.title } : { from, to: install.title };
  }
  if (oldTimeout !== String(UNATTENDED_TIMEOUT_SECONDS)) {
    const from = Number(oldTimeout);
    change.timeoutSeconds =
      Number.isFinite(from) && oldTimeout !== undefined
        ? { from, to: UNATTENDED_TIMEOUT_SECONDS }
        : { to: UNATTENDED_TIMEOUT_SECONDS };
  }
  const patched = lines.join(eol);
  return { file, text: patched, changed: patched !== text, change };
}
