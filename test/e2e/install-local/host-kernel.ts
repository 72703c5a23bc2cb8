import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/** The host's Debian kernel and its modules directory, which the e2e guests boot. */
export interface HostKernel {
  vmlinuz: string;
  modules: string;
}

/** The newest /boot/vmlinuz-* whose modules are installed, or why there is none. */
export function findHostKernel(): HostKernel | string {
  const versions = existsSync("/boot")
    ? readdirSync("/boot")
        .filter((name) => name.startsWith("vmlinuz-"))
        .map((name) => name.slice("vmlinuz-".length))
        .filter((version) => existsSync(path.join("/lib/modules", version, "modules.dep")))
        .sort()
    : [];
  const version = versions.at(-1);
  if (!version) return "no /boot/vmlinuz-* with modules installed (apt-get install linux-image-amd64)";
  return { vmlinuz: `/boot/vmlinuz-${version}`, modules: path.join("/lib/modules", version) };
}

/** The first missing tool among `paths` (absolute paths or commands on PATH), with the package to install. */
export function missingTool(required: Record<string, string>): string | undefined {
  for (const [tool, pkg] of Object.entries(required)) {
    const found = tool.startsWith("/")
      ? existsSync(tool)
      : (process.env.PATH ?? "").split(":").some((dir) => existsSync(path.join(dir, tool)));
    if (!found) return `${tool} is missing (apt-get install ${pkg})`;
  }
  return undefined;
}
