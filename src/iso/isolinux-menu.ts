import type { MenuEntryFacts } from "./install-entry.js";
import { tokenizeCmdline } from "./kernel-cmdline.js";

/** One config file of an isolinux menu, by its path inside the ISO. */
export interface IsolinuxFile {
  file: string;
  text: string;
}

export interface IsolinuxEntry extends MenuEntryFacts {
  file: string;
  label: string;
  labelLine: number;
  titleLine?: number;
  menuDefaultLine?: number;
  kernelLine?: number;
  appendLine?: number;
}

export interface IsolinuxDirective {
  file: string;
  line: number;
  value: string;
}

/** Every file's lines plus the menu read in the order isolinux reads it, following `include`. */
export interface IsolinuxMenu {
  lines: Map<string, string[]>;
  eol: Map<string, string>;
  entries: IsolinuxEntry[];
  /** `default <label or module>` directives. */
  defaults: IsolinuxDirective[];
  /** `timeout <tenths of a second>` directives. */
  timeouts: IsolinuxDirective[];
  rootFile: string;
}

// Files isolinux would run rather than boot as a Linux kernel.
const NOT_LINUX = /\.(c32|com|cbt|bin|bs|bss|0)$|memtest/i;

function directiveOf(line: string): { keyword: string; rest: string } {
  const match = /^\s*(menu\s+\S+|\S+)\s*(.*?)\s*$/i.exec(line);
  return { keyword: (match?.[1] ?? "").toLowerCase().replace(/\s+/g, " "), rest: match?.[2] ?? "" };
}

function dirname(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash === -1 ? "" : file.slice(0, slash + 1);
}

/** Resolves an `include`/`config` path the way isolinux does: relative to the config directory. */
function resolveInclude(target: string, rootFile: string, known: readonly string[]): string | undefined {
  const bare = target.replace(/^\/+/, "");
  const candidates = [bare, `${dirname(rootFile)}${bare}`].map((path) => path.toLowerCase());
  return known.find((file) => candidates.includes(file.toLowerCase()));
}

function rootOf(files: readonly IsolinuxFile[]): string {
  const root = files.find((f) => /(^|\/)isolinux\.cfg$/i.test(f.file)) ?? files[0];
  if (!root) throw new Error("No isolinux config files given: pass at least isolinux/isolinux.cfg");
  return root.file;
}

export function readIsolinuxMenu(files: readonly IsolinuxFile[]): IsolinuxMenu {
  const rootFile = rootOf(files);
  const menu: IsolinuxMenu = {
    lines: new Map(),
    eol: new Map(),
    entries: [],
    defaults: [],
    timeouts: [],
    rootFile,
  };
  for (const { file, text } of files) {
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    menu.eol.set(file, eol);
    menu.lines.set(file, text.split(eol));
  }
  const known = files.map((f) => f.file);
  const visited = new Set<string>();

  const visit = (file: string, startDepth: number): void => {
    if (visited.has(file)) return;
    visited.add(file);
    const lines = menu.lines.get(file) ?? [];
    let depth = startDepth;
    let entry: IsolinuxEntry | undefined;
    let inHelpText = false;
    lines.forEach((line, index) => {
      const { keyword, rest } = directiveOf(line);
      if (inHelpText) {
        inHelpText = keyword !== "endtext";
        return;
      }
      switch (keyword) {
        case "label":
          entry = {
            file,
            label: rest,
            labelLine: index,
            title: rest,
            topLevel: depth === 0,
            bootsLinux: false,
            args: [],
          };
          menu.entries.push(entry);
          break;
        case "menu label":
          if (entry) [entry.title, entry.titleLine] = [rest.replace(/\^/g, ""), index];
          break;
        case "menu default":
          if (entry) entry.menuDefaultLine = index;
          break;
        case "kernel":
        case "linux":
          if (entry)
            [entry.kernelLine, entry.bootsLinux] = [index, !NOT_LINUX.test(rest.split(/\s+/)[0] ?? "")];
          break;
        case "append":
          if (entry)
            [entry.appendLine, entry.args] = [index, tokenizeCmdline(rest, "syslinux").map((t) => t.value)];
          break;
        case "text":
          inHelpText = true;
          break;
        case "menu begin":
        case "menu end":
          depth += keyword === "menu begin" ? 1 : -1;
          entry = undefined;
          break;
        case "include":
        case "menu include": {
          const included = resolveInclude(rest.split(/\s+/)[0] ?? "", rootFile, known);
          if (included) visit(included, depth);
          entry = undefined;
          break;
        }
        case "default":
          menu.defaults.push({ file, line: index, value: rest });
          break;
        case "timeout":
          menu.timeouts.push({ file, line: index, value: rest });
          break;
      }
    });
  };

  visit(rootFile, 0);
  // Files no include reaches (e.g. Debian's prompt.cfg, loaded by `config`) are never the main menu.
  for (const file of known) visit(file, 1);
  return menu;
}
