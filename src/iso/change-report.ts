import type { BootConfigChange, EntryChange } from "./boot-menu.js";

function describeEntry(entry: EntryChange): string {
  const name = entry.label && entry.label !== entry.title ? `${entry.title} [${entry.label}]` : entry.title;
  const edits = [...entry.argsAdded.map((arg) => `+${arg}`), ...entry.argsRemoved.map((arg) => `-${arg}`)];
  return `  ${name}: ${edits.length > 0 ? edits.join(" ") : "unchanged"}`;
}

/** The change list as text lines, file by file and entry by entry, for the CLI and logs. */
export function formatBootConfigChanges(changes: readonly BootConfigChange[]): string[] {
  const lines: string[] = [];
  for (const change of changes) {
    if (change.entries.length === 0 && !change.defaultEntry && !change.timeoutSeconds) continue;
    lines.push(change.file);
    if (change.defaultEntry) {
      const from =
        change.defaultEntry.from === undefined ? "(none)" : JSON.stringify(change.defaultEntry.from);
      lines.push(`  default: ${from} -> ${JSON.stringify(change.defaultEntry.to)}`);
    }
    if (change.timeoutSeconds) {
      const from = change.timeoutSeconds.from === undefined ? "(none)" : `${change.timeoutSeconds.from} s`;
      lines.push(`  timeout: ${from} -> ${change.timeoutSeconds.to} s`);
    }
    lines.push(...change.entries.map(describeEntry));
  }
  return lines;
}
