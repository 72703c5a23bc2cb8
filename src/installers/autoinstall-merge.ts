import { invalidAnswerFile } from "./errors.js";

export type YamlMapping = { [key: string]: unknown };

/** The top-level keys of subiquity's autoinstall schema; test/unit/installers checks they match it. */
export const autoinstallKeys: readonly string[] = [
  "version",
  "interactive-sections",
  "early-commands",
  "reporting",
  "error-commands",
  "user-data",
  "packages",
  "debconf-selections",
  "locale",
  "refresh-installer",
  "kernel",
  "kernel-crash-dumps",
  "keyboard",
  "zdevs",
  "source",
  "network",
  "ubuntu-pro",
  "ubuntu-advantage",
  "proxy",
  "apt",
  "storage",
  "identity",
  "ssh",
  "snaps",
  "active-directory",
  "codecs",
  "drivers",
  "oem",
  "timezone",
  "updates",
  "late-commands",
  "shutdown",
];

// Keys whose value is one whole description that cannot be combined with another: a storage layout and a
// storage config would conflict, so a fragment's storage replaces ours.
const replacedWhole = new Set(["storage", "identity"]);

/**
 * Deep-merges `overlay` into `base`: mappings merge key by key, lists concatenate (base first), other values
 * from the overlay win. Rejects what would stop an unattended build.
 */
export function mergeAutoinstall(base: YamlMapping, overlay: YamlMapping, source: string): YamlMapping {
  checkUnattended(overlay, source);
  const merged: YamlMapping = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    merged[key] = replacedWhole.has(key) ? value : mergeValues(base[key], value);
  }
  return merged;
}

/** Settings that would make subiquity wait for input or keep the VM running. */
export function checkUnattended(autoinstall: YamlMapping, source: string): void {
  const shutdown = autoinstall.shutdown;
  if (shutdown !== undefined && shutdown !== "poweroff") {
    throw invalidAnswerFile(
      `${source} sets shutdown: ${JSON.stringify(shutdown)}, but the build waits for the install VM to power off; remove it.`,
    );
  }
  const interactive = autoinstall["interactive-sections"];
  if (Array.isArray(interactive) && interactive.length > 0) {
    throw invalidAnswerFile(
      `${source} sets interactive-sections, which wait for someone at the console; remove them.`,
    );
  }
}

function mergeValues(base: unknown, overlay: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(overlay))
    return [...(base as unknown[]), ...(overlay as unknown[])];
  if (isMapping(base) && isMapping(overlay)) {
    const merged: YamlMapping = { ...base };
    for (const [key, value] of Object.entries(overlay)) merged[key] = mergeValues(base[key], value);
    return merged;
  }
  return overlay;
}

function isMapping(value: unknown): value is YamlMapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
