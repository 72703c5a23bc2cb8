import { invalidAnswerFile } from "./errors.js";

// The preseed grammar debconf-set-selections reads: "owner question type value" per logical line, a trailing
// backslash continuing a line, and # comments. Entries keep their raw lines so user text survives merging.

export interface PreseedEntry {
  owner: string;
  question: string;
  type: string;
  /** The value with continuation lines joined by a space. */
  value: string;
  raw: string[];
}

// debconf's question types, plus its one flag ("seen").
const types = [
  "string",
  "boolean",
  "select",
  "multiselect",
  "note",
  "text",
  "password",
  "error",
  "title",
  "seen",
];

export function parsePreseed(text: string, source: string): PreseedEntry[] {
  const entries: PreseedEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const firstLineNo = i + 1;
    const raw = [lines[i] ?? ""];
    while ((raw.at(-1) ?? "").endsWith("\\") && i + 1 < lines.length) raw.push(lines[++i] ?? "");
    const joined = raw.map((l) => l.replace(/\\$/, "")).join(" ");
    if (/^\s*(#.*)?$/.test(joined)) continue;
    const match = /^\s*(\S+)\s+(\S+)\s+(\S+)(?:\s(.*))?$/.exec(joined);
    const [, owner, question, type, value = ""] = match ?? [];
    const where = `${source}, line ${firstLineNo}`;
    if (owner === undefined || question === undefined || type === undefined) {
      throw invalidAnswerFile(
        `${where}: "${joined.trim()}" is not "<owner> <question> <type> <value>", e.g. "d-i time/zone string Etc/UTC".`,
      );
    }
    if (!types.includes(type)) {
      throw invalidAnswerFile(
        `${where}: unknown type "${type}" for ${question}; use one of ${types.join(", ")}.`,
      );
    }
    if (type === "boolean" && !["true", "false"].includes(value.trim())) {
      throw invalidAnswerFile(
        `${where}: ${question} is boolean; its value must be true or false, not "${value.trim()}".`,
      );
    }
    entries.push({ owner, question, type, value: value.trim(), raw });
  }
  return entries;
}

export function preseedLine(owner: string, question: string, type: string, value: string): PreseedEntry {
  return {
    owner,
    question,
    type,
    value,
    raw: [`${owner} ${question} ${type}${value === "" ? "" : ` ${value}`}`],
  };
}
