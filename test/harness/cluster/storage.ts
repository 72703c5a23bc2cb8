// Storage of the real test cluster: hostPath PersistentVolumes under the scratch directory and a default
// StorageClass without a provisioner, so PVCs the operator makes bind to one of a pool made in advance.
// hostPath volumes ignore fsGroup (the kubelet manages no ownership there), so each directory is
// writable by every uid, as a non-root worker Pod needs it.
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type { ControlPlane } from "../control-plane.js";

export const storageClassName = "rootfs-local";
/** Every volume says it holds this much; hostPath capacity is not enforced. */
const volumeCapacity = "50Gi";

export function storageClassManifest(): object {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: {
      name: storageClassName,
      annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    },
    provisioner: "kubernetes.io/no-provisioner",
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Retain",
  };
}

/** The directory behind volume `name`. */
export function volumeDir(clusterDir: string, name: string): string {
  return path.join(clusterDir, "volumes", name);
}

/** Makes `count` more volumes, named rootfs-pv-<n> from `first` on. */
export async function addVolumes(
  cp: Pick<ControlPlane, "kubectl">,
  clusterDir: string,
  first: number,
  count: number,
): Promise<void> {
  const volumes = Array.from({ length: count }, (_, i) => {
    const name = `rootfs-pv-${String(first + i).padStart(3, "0")}`;
    const dir = volumeDir(clusterDir, name);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o1777);
    return {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name },
      spec: {
        capacity: { storage: volumeCapacity },
        accessModes: ["ReadWriteOnce"],
        volumeMode: "Filesystem",
        persistentVolumeReclaimPolicy: "Retain",
        storageClassName,
        hostPath: { path: dir, type: "Directory" },
      },
    };
  });
  const manifest = volumes.map((v) => stringify(v)).join("---\n");
  await cp.kubectl(["apply", "-f", "-"], { stdin: manifest, check: true });
}
