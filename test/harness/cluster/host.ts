// What the real cluster changes on the machine, made so that down.sh can undo it: a machine-wide lock
// (the kubelet's device plugin directory is fixed, so one cluster at a time), the record down.sh reads,
// the saved kernel settings, the bridge with the node's address, and the Pods' cgroup roots.
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../helpers/paths.js";
import type { ClusterLayout } from "./config-files.js";

const run = promisify(execFile);

export const downScript = path.join(repoRoot, "test/harness/cluster/down.sh");
const machineDir = "/run/rootfs-test-cluster";
/** Names the scratch directory of the cluster that holds the lock, until down.sh removes it. */
const marker = path.join(machineDir, "current");

/**
 * Takes the machine-wide cluster lock (waiting up to `timeoutMs` for another cluster to stop). A `flock`
 * child holds it while its stdin stays open: it is released when we close it or when this process dies.
 */
export async function lockMachine(timeoutMs: number): Promise<() => void> {
  mkdirSync(machineDir, { recursive: true });
  const seconds = String(Math.ceil(timeoutMs / 1000));
  const holder: ChildProcess = spawn(
    "flock",
    ["-x", "-w", seconds, path.join(machineDir, "lock"), "-c", "echo locked; read -r _ || true"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout?.once("data", () => resolve());
    holder.once("error", reject);
    holder.once("exit", (code) =>
      reject(new Error(`another real test cluster held ${machineDir}/lock for ${seconds} s (exit ${code})`)),
    );
  });
  return () => holder.stdin?.end();
}

/** Tears down the cluster a crashed test process left behind (the marker still names it). */
export function reapStaleCluster(): void {
  const stale = existsSync(marker) ? readFileSync(marker, "utf8").trim() : "";
  if (stale && existsSync(path.join(stale, "cluster.env"))) runDownScript(stale);
}

export function runDownScript(dir: string): void {
  const result = spawnSync("bash", [downScript, dir], { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${downScript} ${dir} failed (exit ${result.status})`);
}

/** Kernel settings the cluster sets or the kubelet changes; down.sh writes them back. */
const savedSysctls = [
  "net.ipv4.ip_forward",
  "net.bridge.bridge-nf-call-iptables",
  "vm.overcommit_memory",
  "vm.panic_on_oom",
  "kernel.panic",
  "kernel.panic_on_oops",
  "kernel.keys.root_maxkeys",
  "kernel.keys.root_maxbytes",
];

/**
 * Writes what down.sh needs before anything is made (so a half-made cluster is undone too), then
 * saves the kernel settings and claims the marker.
 */
export function recordCluster(l: ClusterLayout): void {
  mkdirSync(path.join(l.dir, "pids"), { recursive: true });
  const env = {
    BRIDGE: l.bridge,
    CGROUP_ROOT: l.cgroupRoot,
    CONTAINERD_ROOT: l.containerd.root,
    CONTAINERD_SOCKET: l.containerd.socket,
    MARKER: marker,
    MADE_KUBELET_DIR: existsSync("/var/lib/kubelet") ? "0" : "1",
  };
  writeFileSync(
    path.join(l.dir, "cluster.env"),
    Object.entries(env)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}\n`)
      .join(""),
  );
  const sysctl = (key: string) => `/proc/sys/${key.replaceAll(".", "/")}`;
  const saved = savedSysctls.filter((key) => existsSync(sysctl(key)));
  writeFileSync(
    path.join(l.dir, "sysctls.saved"),
    saved.map((key) => `${key} ${readFileSync(sysctl(key), "utf8").trim()}\n`).join(""),
  );
  writeFileSync(marker, `${l.dir}\n`);
}

/** Records a daemon's PID for down.sh; files sort in start order. */
export function recordPid(l: ClusterLayout, name: string, pid: number | undefined): void {
  if (pid === undefined) return;
  const count = readdirSync(path.join(l.dir, "pids")).length;
  writeFileSync(path.join(l.dir, "pids", `${String(count).padStart(2, "0")}-${name}`), `${pid}\n`);
}

/** Forwarding on (Pods → node → Service backends), and the bridge with the node's address on it. */
export async function setUpNetwork(l: ClusterLayout): Promise<void> {
  writeFileSync("/proc/sys/net/ipv4/ip_forward", "1\n");
  // Replies between Pods on the bridge pass iptables, so that Service DNAT is undone on the way back.
  writeFileSync("/proc/sys/net/bridge/bridge-nf-call-iptables", "1\n");
  const prefix = l.podCidr.split("/")[1];
  await ip(["link", "add", "name", l.bridge, "type", "bridge"]);
  await ip(["addr", "add", `${l.nodeIp}/${prefix}`, "dev", l.bridge]);
  await ip(["link", "set", l.bridge, "up"]);
}

async function ip(args: string[]): Promise<void> {
  try {
    await run("ip", args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(
      `ip ${args.join(" ")} failed: ${stderr || (err as Error).message}; ` +
        "set ROOTFS_CLUSTER_BRIDGE or ROOTFS_CLUSTER_POD_CIDR if another network uses them",
    );
  }
}

/**
 * The kubelet wants its cgroup root to exist in every hierarchy; a new cpuset cgroup starts with no
 * CPUs or memory nodes, so it gets its parent's.
 */
export function makeCgroupRoot(l: ClusterLayout): void {
  for (const hierarchy of readdirSync("/sys/fs/cgroup")) {
    const parent = path.join("/sys/fs/cgroup", hierarchy);
    const dir = path.join(parent, l.cgroupRoot);
    mkdirSync(dir, { recursive: true });
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      if (existsSync(path.join(dir, file)))
        writeFileSync(path.join(dir, file), readFileSync(path.join(parent, file)));
    }
  }
}
