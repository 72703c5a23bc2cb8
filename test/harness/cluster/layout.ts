// The real cluster's names and addresses: configurable (options, else environment, else defaults chosen
// not to meet other networks on the shared machine), with ports picked free on the node address.
import { homedir } from "node:os";
import path from "node:path";
import { distinctFreePorts } from "../processes.js";
import type { ClusterLayout } from "./config-files.js";

export interface ClusterOptions {
  /** Linux bridge of the Pod network [ROOTFS_CLUSTER_BRIDGE, rfs-test0]; at most 15 characters. */
  bridge?: string;
  /** Pod addresses, a /16 to /28 [ROOTFS_CLUSTER_POD_CIDR, 10.213.0.0/24]; its first address is the node's. */
  podCidr?: string;
  /** Service addresses [ROOTFS_CLUSTER_SERVICE_CIDR, 10.213.128.0/24]. */
  serviceCidr?: string;
  /** How many hostPath PersistentVolumes to make at start (default 12). */
  volumes?: number;
  /** How long to wait for another real cluster on this machine to stop (default 20 min). */
  lockTimeoutMs?: number;
}

export const nodeName = "rootfs-test-node";
export const sandboxImage = "localhost/rootfs-test/pause:3.10.1";

export async function layoutFor(dir: string, opts: ClusterOptions): Promise<ClusterLayout> {
  const env = process.env;
  const bridge = opts.bridge ?? env.ROOTFS_CLUSTER_BRIDGE ?? "rfs-test0";
  if (!/^[A-Za-z0-9_-]{1,15}$/.test(bridge))
    throw new Error(`Bridge name "${bridge}" must be 1-15 letters, digits, - or _`);
  const podCidr = opts.podCidr ?? env.ROOTFS_CLUSTER_POD_CIDR ?? "10.213.0.0/24";
  const serviceCidr = opts.serviceCidr ?? env.ROOTFS_CLUSTER_SERVICE_CIDR ?? "10.213.128.0/24";
  const nodeIp = firstHost(podCidr);
  const [kubelet, kubeletHealthz, proxyHealthz, proxyMetrics] = (await distinctFreePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  const cache = env.ROOTFS_CACHE_DIR ?? path.join(homedir(), ".cache", "rootfs-operator");
  return {
    dir,
    nodeName,
    nodeIp,
    podCidr,
    serviceCidr,
    bridge,
    cgroupRoot: `/${path.basename(dir)}`,
    ports: { kubelet, kubeletHealthz, proxyHealthz, proxyMetrics },
    // The content store outlives the cluster: a warm start imports no image.
    containerd: {
      root: path.join(cache, "cluster", "containerd"),
      state: path.join(dir, "containerd", "state"),
      socket: path.join(dir, "containerd", "containerd.sock"),
    },
    sandboxImage,
    clientCaFile: "",
  };
}

/** The first address of an IPv4 network ("10.213.0.0/24" → "10.213.0.1"). */
export function firstHost(cidr: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  const bits = Number(match?.[5]);
  if (!match || bits < 16 || bits > 28)
    throw new Error(`"${cidr}" is not an IPv4 network between /16 and /28, such as 10.213.0.0/24`);
  const octets = match.slice(1, 5).map(Number);
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const network = base - (base % 2 ** (32 - bits));
  const host = network + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join(".");
}
