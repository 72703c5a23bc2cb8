// KubeVirt cannot run here (its images can be neither pulled nor practically built), so the test plays
// its part, and only that: KubeVirt's API (the CRDs), and for the install VM what KubeVirt would do with
// it: an instance, a virt-launcher Pod that mounts the VM's target-disk PVC (so it binds, as it would),
// an installed disk.img in that PVC, and the instance Succeeded once the "VM" powered off. The disk is
// the one the pod runtime installed for the first build (its target PVC's volume is retained).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { installCrds } from "../../harness/control-plane.js";
import type { Cluster } from "../../harness/cluster/cluster.js";
import { volumeDir } from "../../harness/cluster/storage.js";
import { eventually } from "../../helpers/eventually.js";
import { repoRoot } from "../../helpers/paths.js";
import { kubectlJson } from "./builds.js";
import { apply, restrictedPodSpec } from "./pods.js";

const run = promisify(execFile);

export async function installKubevirtApi(cluster: Cluster): Promise<void> {
  await installCrds(cluster.cp, [path.join(repoRoot, "test/fixtures/kubevirt-crds")]);
}

interface Named {
  metadata: { name: string; uid: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Plays KubeVirt for the build's install VM, once the operator made it. */
export async function playKubevirtInstall(
  cluster: Cluster,
  namespace: string,
  build: string,
  installedBy: RootfsBuild,
): Promise<void> {
  const { cp } = cluster;
  const vm = (
    await eventually(
      () =>
        kubectlJson<{ items: Named[] }>(cp, [
          "get",
          "virtualmachines",
          "-n",
          namespace,
          "-l",
          `rootfs.dev/build=${build}`,
        ]),
      (list) => list.items.length > 0,
      { timeoutMs: 15 * 60_000, intervalMs: 1000 },
    )
  ).items[0] as Named;
  const template = vm.spec.template as {
    metadata: { labels: Record<string, string> };
    spec: { volumes: { name: string; persistentVolumeClaim?: { claimName: string } }[] };
  };
  const disk = template.spec.volumes.find((v) => v.name === "target");
  const claimName = disk?.persistentVolumeClaim?.claimName;
  if (!claimName) throw new Error(`VM ${vm.metadata.name} has no target-disk PVC volume`);
  // As virt-controller makes it (metav1.NewControllerRef): the operator believes a VMI only then.
  const owner = {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachine",
    name: vm.metadata.name,
    uid: vm.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  await apply(cp, {
    apiVersion: "kubevirt.io/v1",
    kind: "VirtualMachineInstance",
    metadata: {
      name: vm.metadata.name,
      namespace,
      labels: template.metadata.labels,
      ownerReferences: [owner],
    },
    spec: template.spec,
  });
  const vmi = await kubectlJson<Named>(cp, [
    "get",
    "virtualmachineinstance",
    vm.metadata.name,
    "-n",
    namespace,
  ]);
  const launcher = `virt-launcher-${vm.metadata.name}`.slice(0, 63);
  await apply(cp, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: launcher, namespace, labels: { "kubevirt.io/created-by": vmi.metadata.uid } },
    spec: restrictedPodSpec(["sleep", "3600"], {
      volumes: [{ name: "disk", claimName, mountPath: "/disk" }],
    }),
  });
  await cp.kubectl(["wait", "--for=condition=Ready", `pod/${launcher}`, "-n", namespace, "--timeout=120s"], {
    check: true,
    timeoutMs: 130_000,
  });
  // The "VM" installs: the disk the pod runtime installed for the first build, into this PVC's volume.
  const volumeOf = async (claim: string, ns: string) =>
    (await kubectlJson<{ spec: { volumeName: string } }>(cp, ["get", "pvc", claim, "-n", ns])).spec
      .volumeName;
  const source = await installedDiskOf(cluster, installedBy);
  const target = path.join(volumeDir(cluster.layout.dir, await volumeOf(claimName, namespace)), "disk.img");
  await run("cp", ["--sparse=always", source, target]);
  await cp.kubectl(["delete", "pod", launcher, "-n", namespace, "--grace-period=0", "--force"], {
    check: true,
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const status = {
    phase: "Succeeded",
    phaseTransitionTimestamps: [{ phase: "Succeeded", phaseTransitionTimestamp: now }],
  };
  await cp.kubectl(
    [
      "patch",
      "virtualmachineinstance",
      vm.metadata.name,
      "-n",
      namespace,
      "--type=merge",
      "-p",
      JSON.stringify({ status }),
    ],
    { check: true },
  );
}

/** The disk.img the first build's install left in its (deleted, retained) target-disk volume. */
async function installedDiskOf(cluster: Cluster, build: RootfsBuild): Promise<string> {
  const key8 = build.status?.buildKey?.slice(0, 8) ?? "";
  const claim = `${build.metadata.name}-disk-${key8}`;
  const volumes = await kubectlJson<{
    items: { metadata: { name: string }; spec: { claimRef?: { name: string } } }[];
  }>(cluster.cp, ["get", "pv"]);
  const volume = volumes.items.find((pv) => pv.spec.claimRef?.name === claim);
  if (!volume) throw new Error(`no volume was bound to ${claim}`);
  return path.join(volumeDir(cluster.layout.dir, volume.metadata.name), "disk.img");
}
