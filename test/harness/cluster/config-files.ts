// The configuration files of the real test cluster's node, as pure functions of its layout. What each
// setting is for is said where it is not the component's default.

/** Where everything of one cluster lives, and the addresses it uses. */
export interface ClusterLayout {
  /** Scratch directory: configs, logs, state, sockets, the kubelet's root, volumes. */
  dir: string;
  nodeName: string;
  /** The bridge's own address (the pods' gateway): the apiserver and the kubelet listen there. */
  nodeIp: string;
  podCidr: string;
  serviceCidr: string;
  bridge: string;
  /** Pods' cgroups go under this path in every hierarchy (/sys/fs/cgroup/<controller><cgroupRoot>). */
  cgroupRoot: string;
  ports: { kubelet: number; kubeletHealthz: number; proxyHealthz: number; proxyMetrics: number };
  containerd: { root: string; state: string; socket: string };
  sandboxImage: string;
  /** CA the kubelet trusts for client certificates (the apiserver's kubelet-client certificate). */
  clientCaFile: string;
}

export const containerdConfigPath = (l: ClusterLayout) => `${l.dir}/containerd/config.toml`;
export const cniConfDir = (l: ClusterLayout) => `${l.dir}/cni/net.d`;

/**
 * containerd's CRI plugin: cgroupfs (no systemd here), overlayfs, the locally built sandbox image, and
 * restrict_oom_score_adj: without CAP_SYS_RESOURCE, runc cannot lower a container's oom_score_adj below
 * its own, and every sandbox fails with "can't get final child's PID from pipe: EOF".
 */
export function containerdConfig(l: ClusterLayout): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = ${q(l.containerd.root)}
state = ${q(l.containerd.state)}
oom_score = 0

[grpc]
  address = ${q(l.containerd.socket)}
[ttrpc]
  address = ${q(`${l.containerd.socket}.ttrpc`)}
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(`${l.containerd.state}/opt`)}

[${cri}]
  sandbox_image = ${q(l.sandboxImage)}
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "/usr/sbin/runc"
        Root = ${q(`${l.containerd.state}/runc`)}
  [${cri}.cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = ${q(cniConfDir(l))}
    max_conf_num = 1
`;
}

/**
 * One bridge with host-local addresses. The bridge exists before the first Pod (the harness makes it,
 * with the node address, so the apiserver can listen there); no masquerading, since Pods only talk to
 * each other and to the node; hairpin mode, so a Pod reaches itself through a Service.
 */
export function cniConfig(l: ClusterLayout): string {
  const bridge = {
    type: "bridge",
    bridge: l.bridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: "host-local",
      dataDir: `${l.dir}/cni/ipam`,
      ranges: [[{ subnet: l.podCidr, gateway: l.nodeIp }]],
      routes: [{ dst: "0.0.0.0/0" }],
    },
  };
  return `${JSON.stringify({ cniVersion: "1.0.0", name: "rootfs-test", plugins: [bridge] }, null, 2)}\n`;
}

/**
 * The kubelet: cgroupfs on cgroup v1 (failCgroupV1 is false by default in 1.34), Pods under its own
 * cgroup root, loose eviction and no image garbage collection (imported images cannot be pulled again),
 * client certificates from the harness's CA and webhook authorization (the apiserver's logs and exec).
 */
export function kubeletConfig(l: ClusterLayout): string {
  return `${JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      address: l.nodeIp,
      port: l.ports.kubelet,
      readOnlyPort: 0,
      healthzBindAddress: "127.0.0.1",
      healthzPort: l.ports.kubeletHealthz,
      containerRuntimeEndpoint: `unix://${l.containerd.socket}`,
      cgroupDriver: "cgroupfs",
      cgroupRoot: l.cgroupRoot,
      failSwapOn: false,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: true },
        x509: { clientCAFile: l.clientCaFile },
      },
      authorization: { mode: "Webhook" },
      evictionHard: {
        "memory.available": "1Mi",
        "nodefs.available": "1%",
        "nodefs.inodesFree": "1%",
        "imagefs.available": "1%",
      },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      serializeImagePulls: false,
      resolvConf: "/etc/resolv.conf",
      volumePluginDir: `${l.dir}/kubelet-plugins`,
      // Its defaults would change kernel settings machine-wide (vm.overcommit_memory, kernel.panic, …)
      // on a machine others share; the harness saves and restores them anyway (down.sh).
      protectKernelDefaults: false,
      nodeStatusReportFrequency: "10s",
      shutdownGracePeriod: "0s",
    },
    null,
    2,
  )}\n`;
}

/**
 * kube-proxy in iptables mode, touching no machine-wide setting it can leave alone: conntrack limits
 * and timeouts stay as they are (0), and NodePorts are not served on localhost (route_localnet).
 */
export function kubeProxyConfig(l: ClusterLayout, kubeconfig: string): string {
  return `${JSON.stringify(
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      clientConnection: { kubeconfig },
      mode: "iptables",
      clusterCIDR: l.podCidr,
      hostnameOverride: l.nodeName,
      bindAddress: l.nodeIp,
      healthzBindAddress: `127.0.0.1:${l.ports.proxyHealthz}`,
      metricsBindAddress: `127.0.0.1:${l.ports.proxyMetrics}`,
      nodePortAddresses: [`${l.nodeIp}/32`],
      iptables: { localhostNodePorts: false, syncPeriod: "10s", minSyncPeriod: "1s" },
      conntrack: {
        maxPerCore: 0,
        min: 0,
        tcpEstablishedTimeout: "0s",
        tcpCloseWaitTimeout: "0s",
        udpTimeout: "0s",
        udpStreamTimeout: "0s",
      },
    },
    null,
    2,
  )}\n`;
}

/** TOML basic string. */
function q(text: string): string {
  return JSON.stringify(text);
}
