import type { Informer, KubeClient, Logger } from "../../runtime/index.js";
import type { ObservedPod, ObservedVmi } from "./snapshot.js";
import { controlledBy } from "./ownership.js";

/** The last lines of an install VM's serial console, or undefined when they cannot be read. */
export type ConsoleTailReader = (vmi: ObservedVmi) => Promise<string[] | undefined>;

/** KubeVirt labels the virt-launcher Pod with the uid of the VMI it runs. */
const createdByLabel = "kubevirt.io/created-by";
/** With devices.logSerialConsole, this virt-launcher container streams the serial console to its log. */
const consoleContainer = "guest-console-log";

/**
 * Reads the tail of the virt-launcher Pod's guest-console-log container through the apiserver (pods/log,
 * served by the kubelet). The Pod carries the VM's labels, so the backend's Pod informer holds it.
 */
export function podLogConsoleTail(
  client: KubeClient,
  pods: Informer<ObservedPod>,
  log: Logger,
  lines = 40,
): ConsoleTailReader {
  return async (vmi) => {
    const uid = vmi.metadata.uid;
    const owner = { kind: "VirtualMachineInstance", uid, namespace: vmi.metadata.namespace };
    const pod = pods
      .list()
      .filter(
        (p) => uid !== undefined && p.metadata.labels?.[createdByLabel] === uid && controlledBy(p, owner),
      )
      .sort((a, b) => (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""))
      .at(-1);
    if (!pod) return undefined;
    const { namespace = "", name } = pod.metadata;
    const path =
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log` +
      `?container=${consoleContainer}&tailLines=${lines}&limitBytes=65536`;
    try {
      const text = await client.raw("GET", path);
      return typeof text === "string" ? text.split("\n").filter((line) => line.trim() !== "") : undefined;
    } catch (err) {
      log.debug({ err, pod: name }, "Could not read the install console");
      return undefined;
    }
  };
}
