import type { RootfsBuildSpec } from "../api/rootfsbuild-spec.js";
import { parseDuration, parseQuantity } from "../api/quantity.js";
import type { InstallerProfile } from "../installers/profile.js";
import type { LocalInstallRequest } from "../steps/install-local/index.js";
import { installMonitorFor } from "./install-monitor.js";

/** The install VM a build's spec asks for, wherever qemu runs it (`rootfs build`, an install Pod). */
export function installVmFor(
  spec: RootfsBuildSpec,
  profile: InstallerProfile,
): Pick<LocalInstallRequest, "arch" | "cpus" | "memoryBytes" | "timeoutMs" | "monitor"> {
  return {
    arch: spec.os.arch,
    cpus: spec.install.vm.cpu,
    memoryBytes: parseQuantity(spec.install.vm.memory),
    timeoutMs: parseDuration(spec.install.timeout),
    monitor: installMonitorFor(profile),
  };
}
