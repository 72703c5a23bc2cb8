import type { BootConfigChange, BootMenuOptions, PatchedConfig } from "./boot-menu.js";
import { installerArgs, MEDIA_CHECK_ARG, UNATTENDED_TIMEOUT_SECONDS } from "./boot-menu.js";
import { noInstallEntryError, pickInstallEntry } from "./install-entry.js";
import type { IsolinuxEntry, IsolinuxFile, IsolinuxMenu } from "./isolinux-menu.js";
import { readIsolinuxMenu } from "./isolinux-menu.js";
import { editKernelArgs } from "./kernel-cmdline.js";

export type { IsolinuxFile } from "./isolinux-menu.js";

// isolinux counts its timeout in tenths of a second.
const TIMEOUT_TENTHS = UNATTENDED_TIMEOUT_SECONDS * 10;

/** Pending edits to one file; insertions are applied last so line numbers stay valid meanwhile. */
interface FileEdits {
  lines: string[];
  deleted: Set<number>;
  insertedAfter: Map<number, string[]>;
  change: BootConfigChange;
}

function indentOf(line: string | undefined): string {
  return /^\s*/.exec(line ?? "")?.[0] ?? "";
}

function insertAfter(edits: FileEdits, line: number, text: string): void {
  edits.insertedAfter.set(line, [...(edits.insertedAfter.get(line) ?? []), text]);
}

function render(edits: FileEdits, eol: string): string {
  const out: string[] = [...(edits.insertedAfter.get(-1) ?? [])];
  edits.lines.forEach((line, index) => {
    if (!edits.deleted.has(index)) out.push(line);
    out.push(...(edits.insertedAfter.get(index) ?? []));
  });
  return out.join(eol);
}

function patchEntryArgs(entry: IsolinuxEntry, edits: FileEdits, args: readonly string[]): void {
  if (entry.appendLine === undefined) {
    const indent = indentOf(edits.lines[entry.kernelLine ?? entry.labelLine]);
    insertAfter(edits, entry.kernelLine ?? entry.labelLine, `${indent}append ${args.join(" ")}`);
    edits.change.entries.push({
      title: entry.title,
      label: entry.label,
      argsAdded: [...args],
      argsRemoved: [],
    });
    return;
  }
  const line = edits.lines[entry.appendLine] ?? "";
  const match = /^(\s*append)(.*)$/i.exec(line);
  const edit = editKernelArgs(match?.[2] ?? "", "syslinux", args, [MEDIA_CHECK_ARG]);
  edits.lines[entry.appendLine] = `${match?.[1] ?? "append"}${edit.text}`;
  edits.change.entries.push({
    title: entry.title,
    label: entry.label,
    argsAdded: edit.added,
    argsRemoved: edit.removed,
  });
}

function previousDefault(menu: IsolinuxMenu): IsolinuxEntry | undefined {
  const byLabel = new Map(menu.entries.map((entry) => [entry.label.toLowerCase(), entry]));
  const named = [...menu.defaults].reverse().find((d) => byLabel.has(d.value.toLowerCase()));
  const marked = menu.entries.find((entry) => entry.topLevel && entry.menuDefaultLine !== undefined);
  // A menu module (vesamenu.c32) starts on the `menu default` entry; otherwise `default <label>` boots.
  return marked ?? (named ? byLabel.get(named.value.toLowerCase()) : undefined);
}

function makeInstallDefault(menu: IsolinuxMenu, install: IsolinuxEntry, edits: Map<string, FileEdits>): void {
  const before = previousDefault(menu);
  for (const entry of menu.entries) {
    if (entry !== install && entry.menuDefaultLine !== undefined)
      edits.get(entry.file)?.deleted.add(entry.menuDefaultLine);
  }
  const installEdits = edits.get(install.file);
  if (!installEdits) return;
  if (install.menuDefaultLine === undefined) {
    const after = install.titleLine ?? install.labelLine;
    const indent = indentOf(installEdits.lines[install.titleLine ?? install.kernelLine ?? install.labelLine]);
    insertAfter(installEdits, after, `${indent}menu default`);
  }
  const labels = new Set(
    menu.entries.filter((entry) => entry.bootsLinux).map((entry) => entry.label.toLowerCase()),
  );
  for (const directive of menu.defaults) {
    if (!labels.has(directive.value.toLowerCase()) || directive.value === install.label) continue;
    const fileEdits = edits.get(directive.file);
    if (fileEdits)
      fileEdits.lines[directive.line] =
        `${indentOf(fileEdits.lines[directive.line])}default ${install.label}`;
  }
  if (before !== install) {
    installEdits.change.defaultEntry = before
      ? { from: before.title, to: install.title }
      : { to: install.title };
  }
}

function setTimeouts(menu: IsolinuxMenu, edits: Map<string, FileEdits>): void {
  for (const directive of menu.timeouts) {
    const fileEdits = edits.get(directive.file);
    if (!fileEdits || directive.value === String(TIMEOUT_TENTHS)) continue;
    const keyword = /^\s*(\S+)/.exec(fileEdits.lines[directive.line] ?? "")?.[1] ?? "timeout";
    fileEdits.lines[directive.line] =
      `${indentOf(fileEdits.lines[directive.line])}${keyword} ${TIMEOUT_TENTHS}`;
    // `timeout 0` means "wait for a key forever": reported as no timeout.
    const from = Number(directive.value) / 10;
    fileEdits.change.timeoutSeconds ??=
      Number.isFinite(from) && from > 0
        ? { from, to: UNATTENDED_TIMEOUT_SECONDS }
        : { to: UNATTENDED_TIMEOUT_SECONDS };
  }
  const rootEdits = edits.get(menu.rootFile);
  if (menu.timeouts.length === 0 && rootEdits) {
    const firstDefault = menu.defaults.find((d) => d.file === menu.rootFile)?.line ?? -1;
    insertAfter(rootEdits, firstDefault, `timeout ${TIMEOUT_TENTHS}`);
    rootEdits.change.timeoutSeconds = { to: UNATTENDED_TIMEOUT_SECONDS };
  }
}

/**
 * Patches an isolinux menu for an unattended boot. Takes all its files at once (isolinux.cfg plus
 * Debian's menu.cfg, txt.cfg, gtk.cfg, …) because the default can move from one file to another.
 * Adds the installer args to every kernel entry (before `---`), drops rd.live.check, makes the
 * install entry the default and sets a 1 s timeout.
 */
export function patchIsolinuxConfigs(
  files: readonly IsolinuxFile[],
  options: BootMenuOptions,
): PatchedConfig[] {
  const args = installerArgs(options);
  const menu = readIsolinuxMenu(files);
  const edits = new Map<string, FileEdits>();
  for (const { file } of files) {
    const lines = [...(menu.lines.get(file) ?? [])];
    edits.set(file, { lines, deleted: new Set(), insertedAfter: new Map(), change: { file, entries: [] } });
  }
  const unchanged = (): PatchedConfig[] =>
    files.map(({ file, text }) => ({ file, text, changed: false, change: { file, entries: [] } }));
  // A menu without kernel entries (e.g. one that only chains to another loader) has nothing to patch.
  if (!menu.entries.some((entry) => entry.bootsLinux)) return unchanged();
  const install = pickInstallEntry(menu.entries);
  if (!install) throw noInstallEntryError(menu.rootFile, menu.entries);

  for (const entry of menu.entries) {
    const fileEdits = edits.get(entry.file);
    if (entry.bootsLinux && fileEdits) patchEntryArgs(entry, fileEdits, args);
  }
  makeInstallDefault(menu, install, edits);
  setTimeouts(menu, edits);

  return files.map(({ file, text }) => {
    const fileEdits = edits.get(file);
    const patched = fileEdits ? render(fileEdits, menu.eol.get(file) ?? "\n") : text;
    return {
      file,
      text: patched,
      changed: patched !== text,
      change: fileEdits?.change ?? { file, entries: [] },
    };
  });
}
