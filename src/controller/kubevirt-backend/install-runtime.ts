import { isNotFound, type KubeClient } from "../../runtime/index.js";
import type { OperatorConfig } from "../config.js";
import type { InstallRuntime } from "../builders/index.js";
import { virtualMachineRef } from "./refs.js";

/**
 * The config's installRuntime with "auto" settled once, at start-up: KubeVirt VMs where the apiserver
 * serves kubevirt.io/v1 virtualmachines (discovery, which every authenticated user may read), install
 * Pods otherwise. A cluster that gains or loses KubeVirt later needs the operator restarted.
 */
export async function resolveInstallRuntime(
  client: KubeClient,
  setting: OperatorConfig["installRuntime"],
): Promise<InstallRuntime> {
  if (setting !== "auto") return setting;
  const { group, version, plural } = virtualMachineRef;
  const found = await client.raw("GET", `/apis/${group}/${version}`).then(
    (list) => JSON.stringify(list ?? "").includes(`"name":"${plural}"`),
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
  return found ? "kubevirt" : "pod";
}
