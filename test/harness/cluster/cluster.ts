// A real single-node Kubernetes cluster for end-to-end tests, started by our own code: etcd and
// kube-apiserver (../control-plane.ts), containerd (Debian's, with runc and the CNI plugins), the
// kubelet, kube-controller-manager, kube-scheduler, kube-proxy, and a device plugin advertising
// devices.kubevirt.io/kvm. Everything lives under a scratch directory; down.sh undoes it all.
//
//   const cluster = await startCluster();     // about 15 s warm; needs root
//   try { await cluster.cp.kubectl(["apply", "-f", …]); } finally { await cluster.stop(); }
//
// Binaries: test/harness/build-control-plane.sh (and --node); images: build-node-images.sh.
// README.md here lists the settings and what the cluster lacks (DNS, a registry, KubeVirt).
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { resolveNodeBinDir } from "../control-plane-binaries.js";
import { startControlPlane, type ControlPlane } from "../control-plane.js";
import { onExitSync, startProc, stopProc, type Proc } from "../processes.js";
import { makeKubeletClientCerts } from "./certs.js";
import { layoutFor, type ClusterOptions } from "./layout.js";
import {
  cniConfDir,
  cniConfig,
  containerdConfig,
  containerdConfigPath,
  kubeProxyConfig,
  kubeletConfig,
  type ClusterLayout,
} from "./config-files.js";
import {
  lockMachine,
  makeCgroupRoot,
  reapStaleCluster,
  recordCluster,
  recordPid,
  runDownScript,
  setUpNetwork,
} from "./host.js";
import { importImages, nodeImages, removeLeftoverContainers, type NodeImage } from "./images.js";
import { drainPods, waitForContainerd, waitForNode } from "./readiness.js";
import { addVolumes, storageClassManifest, storageClassName } from "./storage.js";

export type { ClusterOptions } from "./layout.js";

export interface Cluster {
  cp: ControlPlane;
  layout: ClusterLayout;
  /** The images containerd holds for Pods (imagePullPolicy: Never). */
  images: NodeImage[];
  /** The default StorageClass: hostPath volumes, no provisioner. */
  storageClassName: string;
  /** Makes more hostPath PersistentVolumes (the cluster starts with `volumes` of them). */
  addVolumes(count: number): Promise<void>;
  /** Seconds each start-up phase took, for the record. */
  timings: Record<string, number>;
  /** Deletes every Pod (the kubelet tears them down), stops everything and runs down.sh. */
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const timings: Record<string, number> = {};
  let phaseStart = Date.now();
  const phase = (name: string) => {
    timings[name] = (Date.now() - phaseStart) / 1000;
    phaseStart = Date.now();
  };
  const nodeBinDir = await resolveNodeBinDir();
  const images = await nodeImages();
  phase("binaries and images");
  const unlock = await lockMachine(opts.lockTimeoutMs ?? 20 * 60_000);
  reapStaleCluster();
  const dir = mkdtempSync(path.join(os.tmpdir(), "rootfs-cluster-"));
  const layout = await layoutFor(dir, opts);
  recordCluster(layout);
  const forgetCrash = onExitSync(() => runDownScript(dir));
  const procs: Proc[] = [];
  const bin = (name: string) => path.join(nodeBinDir, name);
  const logs = path.join(dir, "logs");
  mkdirSync(logs);
  const start = (name: string, file: string, args: string[]) => {
    const proc = startProc(name, file, args, path.join(logs, `${name}.log`), dir);
    recordPid(layout, name, proc.child.pid);
    procs.push(proc);
    return proc;
  };
  let cp: ControlPlane | undefined;
  try {
    await setUpNetwork(layout);
    makeCgroupRoot(layout);
    const certs = await makeKubeletClientCerts(dir);
    cp = await startControlPlane({
      logDir: logs,
      address: layout.nodeIp,
      extraApiServerArgs: [
        `--service-cluster-ip-range=${layout.serviceCidr}`,
        // Pods reach the apiserver through the kubernetes Service, whose endpoint is the node address.
        "--endpoint-reconciler-type=lease",
        // The node's name resolves to 127.0.0.1 here; its InternalIP is the bridge address.
        "--kubelet-preferred-address-types=InternalIP,Hostname",
        `--kubelet-client-certificate=${certs.certFile}`,
        `--kubelet-client-key=${certs.keyFile}`,
      ],
    });
    // A crashed test process leaves them running too: down.sh stops them first (pids/ sorts them first).
    recordPid(layout, "etcd", cp.pids.etcd);
    recordPid(layout, "kube-apiserver", cp.pids.apiserver);
    writeFileSync(path.join(dir, "control-plane.dir"), `${cp.dir}\n`);
    phase("control plane");
    const caFile = path.join(dir, "apiserver-ca.crt");
    writeFileSync(caFile, cp.caPem);

    for (const d of [path.dirname(containerdConfigPath(layout)), cniConfDir(layout), layout.containerd.root])
      mkdirSync(d, { recursive: true });
    writeFileSync(containerdConfigPath(layout), containerdConfig(layout));
    writeFileSync(path.join(cniConfDir(layout), "10-rootfs-test.conflist"), cniConfig(layout));
    const containerd = start("containerd", "containerd", ["--config", containerdConfigPath(layout)]);
    await waitForContainerd(containerd, layout.containerd.socket);
    await removeLeftoverContainers(layout.containerd.socket);
    const imported = await importImages(layout.containerd.socket, images);
    phase(`containerd and images (${imported.length ? `imported ${imported.join(", ")}` : "all held"})`);

    const kubeletConfigFile = path.join(dir, "kubelet.json");
    writeFileSync(kubeletConfigFile, kubeletConfig({ ...layout, clientCaFile: certs.caFile }));
    const kubelet = start("kubelet", bin("kubelet"), [
      `--config=${kubeletConfigFile}`,
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--root-dir=${path.join(dir, "kubelet")}`,
      `--cert-dir=${path.join(dir, "kubelet-pki")}`,
      `--hostname-override=${layout.nodeName}`,
      `--node-ip=${layout.nodeIp}`,
      "--v=1",
    ]);
    const common = [`--kubeconfig=${cp.kubeconfigPath}`, "--bind-address=127.0.0.1", "--leader-elect=false"];
    start("kube-controller-manager", bin("kube-controller-manager"), [
      ...common,
      "--secure-port=0",
      `--root-ca-file=${caFile}`,
      `--service-account-private-key-file=${cp.serviceAccountKeyPath}`,
      `--service-cluster-ip-range=${layout.serviceCidr}`,
      "--use-service-account-credentials=false",
    ]);
    start("kube-scheduler", bin("kube-scheduler"), [...common, "--secure-port=0"]);
    const proxyConfig = path.join(dir, "kube-proxy.json");
    writeFileSync(proxyConfig, kubeProxyConfig(layout, cp.kubeconfigPath));
    start("kube-proxy", bin("kube-proxy"), [`--config=${proxyConfig}`]);
    if (existsSync("/dev/kvm")) start("kvm-device-plugin", bin("kvm-device-plugin"), []);
    await waitForNode(cp, kubelet, layout.nodeName, { kvm: existsSync("/dev/kvm") });
    phase("node ready");

    await cp.kubectl(["apply", "-f", "-"], { stdin: stringify(storageClassManifest()), check: true });
    let volumes = 0;
    const more = async (count: number) => {
      await addVolumes(cp as ControlPlane, dir, volumes, count);
      volumes += count;
    };
    await more(opts.volumes ?? 12);
    phase("storage");

    const started = cp;
    let stopping: Promise<void> | undefined;
    return {
      cp: started,
      layout,
      images,
      storageClassName,
      addVolumes: more,
      timings,
      stop() {
        stopping ??= (async () => {
          const [controllers, rest] = [procs.filter((p) => /controller|scheduler/.test(p.name)), procs];
          // No controller makes new Pods while the kubelet takes the old ones down (CNI DEL, unmounts).
          for (const proc of controllers) await stopProc(proc);
          await drainPods(started, layout.containerd.socket);
          for (const proc of [...rest].reverse()) await stopProc(proc, 10_000);
          runDownScript(dir);
          forgetCrash();
          await started.stop();
          unlock();
        })();
        return stopping;
      },
    };
  } catch (err) {
    for (const proc of [...procs].reverse()) await stopProc(proc);
    runDownScript(dir);
    forgetCrash();
    await cp?.stop();
    unlock();
    throw err;
  }
}
