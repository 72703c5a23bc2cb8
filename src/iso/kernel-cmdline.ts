/**
 * Kernel command lines as boot loaders store them. syslinux passes an `append` line to the kernel
 * verbatim; GRUB first parses it like a shell (quotes, backslashes, `;` ends a command).
 */
export type CmdlineDialect = "syslinux" | "grub";

export interface CmdlineToken {
  /** The text as written in the config, quotes included. */
  raw: string;
  /** What the kernel receives. */
  value: string;
  start: number;
  end: number;
}

export interface KernelArgsEdit {
  text: string;
  added: string[];
  removed: string[];
}

/** Arguments after this token are for the installed system (Debian, Ubuntu), not for the installer. */
export const INSTALLED_SYSTEM_SEPARATOR = "---";

// The kernel keeps every console= (the last becomes /dev/console); other name=value args are
// replaced, so `priority=critical` does not sit next to a contradicting `priority=low`.
const REPEATABLE_ARG_NAMES = new Set(["console"]);

const GRUB_SAFE_WORD = /^[A-Za-z0-9_.,:=/+@%-]+$/;

function isBlank(char: string): boolean {
  return char === " " || char === "\t";
}

function readGrubWord(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start;
  while (i < text.length && !isBlank(text.charAt(i))) {
    const char = text.charAt(i);
    if (char === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? text.length : close;
      value += text.slice(i + 1, end);
      i = end + 1;
    } else if (char === '"') {
      i++;
      while (i < text.length && text.charAt(i) !== '"') {
        const next = text.charAt(i + 1);
        if (text.charAt(i) === "\\" && (next === "$" || next === '"' || next === "\\")) i++;
        value += text.charAt(i);
        i++;
      }
      i++;
    } else if (char === "\\" && i + 1 < text.length) {
      value += text.charAt(i + 1);
      i += 2;
    } else {
      value += char;
      i++;
    }
  }
  return { value, end: Math.min(i, text.length) };
}

export function tokenizeCmdline(text: string, dialect: CmdlineDialect): CmdlineToken[] {
  const tokens: CmdlineToken[] = [];
  let i = 0;
  while (i < text.length) {
    if (isBlank(text.charAt(i))) {
      i++;
      continue;
    }
    const start = i;
    if (dialect === "grub") {
      const word = readGrubWord(text, start);
      i = word.end;
      tokens.push({ raw: text.slice(start, i), value: word.value, start, end: i });
    } else {
      while (i < text.length && !isBlank(text.charAt(i))) i++;
      const raw = text.slice(start, i);
      tokens.push({ raw, value: raw, start, end: i });
    }
  }
  return tokens;
}

/** A GRUB double-quoted string; inside one only `$`, `"` and a `\` before `$ " \` or the end need escaping. */
export function grubQuoted(value: string): string {
  return `"${value.replace(/\\(?=[$"\\]|$)/g, "\\\\").replace(/[$"]/g, "\\$&")}"`;
}

/** Writes an argument so the boot loader hands it to the kernel unchanged. */
export function quoteKernelArg(value: string, dialect: CmdlineDialect): string {
  return dialect === "syslinux" || GRUB_SAFE_WORD.test(value) ? value : grubQuoted(value);
}

export function argName(arg: string): string {
  const equals = arg.indexOf("=");
  return equals === -1 ? arg : arg.slice(0, equals);
}

function removalRange(text: string, token: CmdlineToken): [number, number] {
  let start = token.start;
  while (start > 0 && isBlank(text.charAt(start - 1))) start--;
  if (start > 0) return [start, token.end];
  let end = token.end;
  while (end < text.length && isBlank(text.charAt(end))) end++;
  return [token.start, end];
}

/**
 * Adds `add` before a `---` separator or at the end, skipping arguments already present and
 * replacing same-named ones with other values; removes arguments whose name is in `dropNames`.
 * Only the installer's part of the line is touched.
 */
export function editKernelArgs(
  argsText: string,
  dialect: CmdlineDialect,
  add: readonly string[],
  dropNames: readonly string[],
): KernelArgsEdit {
  const tokens = tokenizeCmdline(argsText, dialect);
  const separator = tokens.find((token) => token.value === INSTALLED_SYSTEM_SEPARATOR);
  const installerTokens = separator ? tokens.slice(0, tokens.indexOf(separator)) : tokens;
  const replaced = new Set(
    add.filter((arg) => arg.includes("=") && !REPEATABLE_ARG_NAMES.has(argName(arg))).map(argName),
  );
  const dropped = installerTokens.filter((token) => {
    const name = argName(token.value);
    return dropNames.includes(name) || (replaced.has(name) && !add.includes(token.value));
  });
  const present = new Set(
    installerTokens.filter((token) => !dropped.includes(token)).map((token) => token.value),
  );
  const added: string[] = [];
  for (const arg of add) {
    if (!present.has(arg) && !added.includes(arg)) added.push(arg);
  }

  let text = argsText;
  if (added.length > 0) {
    const words = added.map((arg) => quoteKernelArg(arg, dialect)).join(" ");
    if (separator) {
      text = `${text.slice(0, separator.start)}${words} ${text.slice(separator.start)}`;
    } else {
      const end = text.trimEnd().length;
      text = `${text.slice(0, end)} ${words}${text.slice(end)}`;
    }
  }
  // Dropped tokens all sit before the insertion point, so their offsets are still valid.
  for (const token of [...dropped].reverse()) {
    const [start, end] = removalRange(text, token);
    text = text.slice(0, start) + text.slice(end);
  }
  return { text, added, removed: dropped.map((token) => token.value) };
}
