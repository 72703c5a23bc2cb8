// The chart installed for real (`helm install`/`helm upgrade --wait`) into the real cluster: the operator
// runs as the chart's Deployment, from the image containerd holds (pullPolicy Never), in a namespace that
// enforces Pod Security "restricted" as the chart's README says to label it.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type { Cluster } from "../../harness/cluster/cluster.js";
import { resolveHelm, runHelm } from "../../harness/helm.js";
import { repoRoot } from "../../helpers/paths.js";
import { operatorImage, workerImage } from "../images/images.js";
import { apply, namespaceManifest } from "./pods.js";

export const release = "rootfs-operator";
export const operatorNamespace = "rootfs-system";
const chart = path.join(repoRoot, "charts", "rootfs-operator");

/**
 * Values for this cluster: one replica (two cores), the images containerd holds, /dev/kvm from the device
 * plugin with its group (when the host has one), and where installers run. The tiny installer is served
 * over plain http from the node's address, which the operator refuses unless its config allows both.
 */
export function releaseValues(installRuntime: "auto" | "kubevirt" | "pod"): object {
  const kvm = existsSync("/dev/kvm");
  return {
    replicas: 1,
    logLevel: "debug",
    image: { ...imageValues(operatorImage), pullPolicy: "Never" },
    builds: {
      workerImage: { ...imageValues(workerImage), pullPolicy: "Never" },
      sources: { allowPlainHTTP: true, allowPrivateAddresses: true },
      kvmDevice: kvm,
      kvmGroupId: kvm ? statSync("/dev/kvm").gid : 0,
      installRuntime,
    },
  };
}

export async function helmInstall(
  cluster: Cluster,
  verb: "install" | "upgrade",
  values: object,
): Promise<void> {
  if (verb === "install") await apply(cluster.cp, namespaceManifest(operatorNamespace, "restricted"));
  const helm = await resolveHelm();
  await runHelm(
    helm,
    [verb, release, chart, "-n", operatorNamespace, "--wait", "--timeout", "5m", "-f", "-"],
    {
      stdin: stringify(values),
      env: { KUBECONFIG: cluster.cp.kubeconfigPath },
      check: true,
      timeoutMs: 6 * 60_000,
    },
  );
}

/** repository and tag of an image name (IMAGE_REGISTRY may give the images another prefix). */
function imageValues(image: string): { repository: string; tag: string } {
  const colon = image.lastIndexOf(":");
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}
