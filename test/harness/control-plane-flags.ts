// The command lines of the control plane's etcd and kube-apiserver.

/** A single-member etcd for test data, on loopback client and peer URLs. */
export function etcdArgs(dataDir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    "--name=rootfs-test",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=rootfs-test=${peerUrl}`,
    "--initial-cluster-state=new",
    "--unsafe-no-fsync=true", // test data: durability is irrelevant, speed is not
    "--log-level=warn",
  ];
}

export interface ApiServerFlags {
  address: string;
  port: number;
  certDir: string;
  etcdUrl: string;
  tokenFile: string;
  /** The ServiceAccount token issuer: the apiserver's own URL. */
  issuer: string;
  saPub: string;
  saKey: string;
  /** Appended last (later flags win). */
  extra: string[];
}

/**
 * Flags follow envtest's defaults (controller-runtime
 * pkg/internal/testing/controlplane/apiserver.go), except that admin
 * auth is a static token and the ServiceAccount admission plugin stays on.
 */
export function apiServerArgs(f: ApiServerFlags): string[] {
  return [
    `--advertise-address=${f.address}`,
    `--bind-address=${f.address}`,
    `--secure-port=${f.port}`,
    `--cert-dir=${f.certDir}`,
    `--etcd-servers=${f.etcdUrl}`,
    "--authorization-mode=Node,RBAC",
    `--token-auth-file=${f.tokenFile}`,
    `--service-account-issuer=${f.issuer}`,
    `--service-account-key-file=${f.saPub}`,
    `--service-account-signing-key-file=${f.saKey}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--allow-privileged=true",
    "--shutdown-delay-duration=0s",
    // The default "lease" reconciler keeps failing (and logging) because a
    // loopback address is not a valid Endpoints IP; nothing here needs it.
    "--endpoint-reconciler-type=none",
    "--profiling=false",
    ...f.extra,
  ];
}
