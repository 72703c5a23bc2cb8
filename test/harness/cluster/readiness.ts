// When the real cluster is usable, and when it has let go of its Pods.
import type { ControlPlane } from "../control-plane.js";
import { fileTail, sleep, waitFor, type Proc } from "../processes.js";
import { ctr } from "./images.js";

export const kvmResource = "devices.kubevirt.io/kvm";

export async function waitForContainerd(containerd: Proc, socket: string): Promise<void> {
  const reason = await waitFor(containerd, 30_000, async () => {
    await ctr(socket)(["version"]);
    return true;
  });
  if (reason) throw new Error(`containerd: ${reason}\n${await fileTail(containerd.logFile)}`);
}

interface NodeStatus {
  status?: {
    conditions?: { type: string; status: string; message?: string }[];
    allocatable?: Record<string, string>;
  };
}

/**
 * The node is Ready (kubelet, runtime and CNI), offers the KVM device when the host has one, and the
 * controllers run: the default ServiceAccount and the root CA ConfigMap exist (Pods need both).
 */
export async function waitForNode(
  cp: ControlPlane,
  kubelet: Proc,
  nodeName: string,
  expect: { kvm: boolean },
  timeoutMs = 120_000,
): Promise<void> {
  let last = "no node yet";
  const reason = await waitFor(kubelet, timeoutMs, async () => {
    const got = await cp.kubectl(["get", "node", nodeName, "-o", "json"]);
    if (got.code !== 0) return false;
    const node = JSON.parse(got.stdout) as NodeStatus;
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    last = `Ready=${ready?.status ?? "?"} (${ready?.message ?? ""}); allocatable ${JSON.stringify(node.status?.allocatable ?? {})}`;
    if (ready?.status !== "True") return false;
    if (expect.kvm && !node.status?.allocatable?.[kvmResource]) return false;
    const sa = await cp.kubectl(["get", "serviceaccount", "default", "-n", "default"]);
    const ca = await cp.kubectl(["get", "configmap", "kube-root-ca.crt", "-n", "default"]);
    last += `; default ServiceAccount ${sa.code === 0 ? "made" : "missing"}, kube-root-ca.crt ${ca.code === 0 ? "made" : "missing"}`;
    return sa.code === 0 && ca.code === 0;
  });
  if (reason) throw new Error(`node ${nodeName}: ${reason}; ${last}\n${await fileTail(kubelet.logFile)}`);
}

/**
 * Deletes every Pod and waits (bounded) until containerd runs no task: the kubelet stops the
 * containers, unmounts their volumes and runs CNI DEL, which leaves less for down.sh.
 */
export async function drainPods(cp: ControlPlane, socket: string, timeoutMs = 60_000): Promise<void> {
  await cp.kubectl([
    "delete",
    "pods",
    "--all",
    "--all-namespaces",
    "--grace-period=0",
    "--force",
    "--wait=false",
  ]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const tasks = await ctr(socket)(["tasks", "ls", "-q"]).catch(() => "");
    if (tasks.trim() === "") return;
    await sleep(500);
  }
}
