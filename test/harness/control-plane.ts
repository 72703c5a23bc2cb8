// A real Kubernetes control plane (etcd + kube-apiserver, no controllers, no
// kubelet) for integration tests, in the spirit of controller-runtime's envtest.
//
//   const cp = await startControlPlane();          // builds/reuses the binaries
//   try {
//     await cp.kubectl(["create", "namespace", "x"], { check: true });
//     await installCrds(cp, ["crds/foo.yaml"]);
//     // code under test: point it at cp.kubeconfigPath (or cp.env.KUBECONFIG)
//   } finally {
//     await cp.stop();
//   }
//
// Binaries come from test/harness/build-control-plane.sh (cached outside the
// tree, or taken from $KUBEBUILDER_ASSETS; control-plane-binaries.ts). The
// processes' flags are in control-plane-flags.ts, the tokens, keys and
// kubeconfigs in control-plane-credentials.ts. Admin access uses a static token
// for a user in system:masters; RBAC (+Node) authorization and the default
// admission chain (including PodSecurity and ServiceAccount) are on.
//
// Caveats of a controller-less control plane: namespaces are never finalised
// (deleting one leaves it Terminating), no "default" ServiceAccount appears in
// new namespaces (so Pod creation fails until a test creates it), nothing
// garbage-collects owner references, and Pods are never scheduled or run.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveBinDir } from "./control-plane-binaries.js";
import {
  kubeconfigJson,
  servingCa,
  writeAdminToken,
  writeServiceAccountKeys,
} from "./control-plane-credentials.js";
import { apiServerArgs, etcdArgs } from "./control-plane-flags.js";
import { runKubectl, type KubectlOptions, type KubectlResult } from "./kubectl.js";
import {
  distinctFreePorts,
  fileTail,
  httpGet,
  onExitSync,
  startProc,
  stopProc,
  waitFor,
  type Proc,
} from "./processes.js";

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Admin kubeconfig (token user in system:masters). */
  readonly kubeconfigPath: string;
  /** Directory holding kube-apiserver, kubectl and etcd. */
  readonly binDir: string;
  /** Scratch directory (etcd data, certs, kubeconfigs); removed by stop(). */
  readonly dir: string;
  /** Where etcd.log and kube-apiserver.log are written. */
  readonly logDir: string;
  /** Bearer token of the admin user. */
  readonly adminToken: string;
  /** PEM CA that signed the apiserver's serving certificate. */
  readonly caPem: string;
  /** http://127.0.0.1:<port> (etcd client URL). */
  readonly etcdUrl: string;
  /** Process ids of etcd and kube-apiserver (a harness that outlives a crash records them). */
  readonly pids: { etcd: number; apiserver: number };
  /** The private key ServiceAccount tokens are signed with (kube-controller-manager needs it too). */
  readonly serviceAccountKeyPath: string;
  /** `{ KUBECONFIG: kubeconfigPath }`, handy for spawning code under test. */
  readonly env: { KUBECONFIG: string };
  /** Runs the harness's kubectl against this control plane (admin by default). */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** Writes a kubeconfig that authenticates with `token`; returns its path. */
  kubeconfigForToken(token: string, opts?: { name?: string }): string;
  /**
   * Mints a token for ServiceAccount namespace/name via the TokenRequest API
   * (`kubectl create token`), creating the ServiceAccount unless create=false,
   * and returns the path of a kubeconfig using it. Useful for RBAC tests.
   */
  serviceAccountKubeconfig(
    namespace: string,
    name: string,
    opts?: { create?: boolean; duration?: string },
  ): Promise<string>;
  /** Stops kube-apiserver, then etcd (SIGTERM, SIGKILL after a grace period); removes `dir`. */
  stop(): Promise<void>;
}

export interface StartControlPlaneOptions {
  /** Use these binaries instead of resolveBinDir(). */
  binDir?: string;
  /** Keep logs here (created if needed) instead of inside the scratch dir. */
  logDir?: string;
  /** How long to wait for /readyz (default 60 s). */
  readyTimeoutMs?: number;
  /** Appended to the kube-apiserver command line (later flags win). */
  extraApiServerArgs?: string[];
  /** Do not delete the scratch dir on stop() (also: CONTROL_PLANE_KEEP=1). */
  keepDir?: boolean;
  /**
   * The address kube-apiserver binds to, advertises and is reached at (default 127.0.0.1): the real
   * cluster's node address, which its Pods can reach (etcd stays on loopback).
   */
  address?: string;
}

const LOOPBACK = "127.0.0.1";

class AddressInUse extends Error {}

/**
 * Starts etcd and kube-apiserver on free loopback ports in a fresh temp dir
 * and waits for /readyz. Call stop() when done (also registered as a process
 * exit hook, so a crashed test does not leak processes).
 */
export async function startControlPlane(opts: StartControlPlaneOptions = {}): Promise<ControlPlane> {
  const binDir = opts.binDir ?? (await resolveBinDir());
  for (const b of ["etcd", "kube-apiserver", "kubectl"]) {
    if (!existsSync(path.join(binDir, b)))
      throw new Error(`control-plane harness: ${binDir}/${b} is missing`);
  }
  // Free ports are picked, released, then bound by the children, so another
  // process can grab one in between: retry a few times on "address in use".
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binDir, opts);
    } catch (err) {
      if (!(err instanceof AddressInUse) || attempt >= 3) throw err;
    }
  }
}

async function startOnce(binDir: string, opts: StartControlPlaneOptions): Promise<ControlPlane> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "rootfs-cp-"));
  const keepDir = opts.keepDir ?? process.env.CONTROL_PLANE_KEEP === "1";
  const forgetDir = keepDir
    ? () => undefined
    : onExitSync(() => rmSync(dir, { recursive: true, force: true }));
  const logDir = opts.logDir ? path.resolve(opts.logDir) : path.join(dir, "logs");
  mkdirSync(logDir, { recursive: true });
  const certDir = path.join(dir, "certs");
  const etcdDataDir = path.join(dir, "etcd");
  const kubeCacheDir = path.join(dir, "kube-cache");
  for (const d of [certDir, etcdDataDir, kubeCacheDir]) mkdirSync(d, { recursive: true, mode: 0o700 });

  const [etcdClientPort, etcdPeerPort, apiPort] = (await distinctFreePorts(3)) as [number, number, number];
  const etcdUrl = `http://${LOOPBACK}:${etcdClientPort}`;
  const etcdPeerUrl = `http://${LOOPBACK}:${etcdPeerPort}`;
  const apiAddress = opts.address ?? LOOPBACK;
  const server = `https://${apiAddress}:${apiPort}`;

  const { adminToken, tokenFile } = writeAdminToken(dir);
  const { saKey, saPub } = writeServiceAccountKeys(dir);

  const etcdLog = path.join(logDir, "etcd.log");
  const apiLog = path.join(logDir, "kube-apiserver.log");
  const procs: Proc[] = [];

  const cleanup = async () => {
    for (const p of [...procs].reverse()) await stopProc(p);
    if (!keepDir) {
      rmSync(dir, { recursive: true, force: true });
      forgetDir();
    }
  };

  const fail = async (reason: string): Promise<never> => {
    const etcdTail = await fileTail(etcdLog);
    const apiTail = procs.length > 1 ? await fileTail(apiLog) : "(not started)";
    await cleanup();
    const kept = keepDir || opts.logDir ? "" : " (removed with the scratch dir; pass logDir to keep logs)";
    const msg =
      `control-plane harness: ${reason}${kept}\n` +
      `--- kube-apiserver log tail (${apiLog}) ---\n${apiTail}\n` +
      `--- etcd log tail (${etcdLog}) ---\n${etcdTail}`;
    if (/address already in use/i.test(apiTail + etcdTail)) throw new AddressInUse(msg);
    throw new Error(msg);
  };

  try {
    // --- etcd -------------------------------------------------------------
    const etcd = startProc(
      "etcd",
      path.join(binDir, "etcd"),
      etcdArgs(etcdDataDir, etcdUrl, etcdPeerUrl),
      etcdLog,
      dir,
    );
    procs.push(etcd);
    const etcdErr = await waitFor(etcd, 30_000, async () => {
      const r = await httpGet(`${etcdUrl}/health`);
      return r.status === 200 && /"health":\s*"true"/.test(r.body);
    });
    if (etcdErr) return await fail(etcdErr);

    // --- kube-apiserver ---------------------------------------------------
    const apiArgs = apiServerArgs({
      address: apiAddress,
      port: apiPort,
      certDir,
      etcdUrl,
      tokenFile,
      issuer: server,
      saPub,
      saKey,
      extra: opts.extraApiServerArgs ?? [],
    });
    const api = startProc("kube-apiserver", path.join(binDir, "kube-apiserver"), apiArgs, apiLog, dir);
    procs.push(api);
    const readyTimeout = opts.readyTimeoutMs ?? 60_000;
    let lastBody = "";
    const apiErr = await waitFor(api, readyTimeout, async () => {
      const r = await httpGet(`${server}/readyz`, { Authorization: `Bearer ${adminToken}` });
      lastBody = r.body;
      return r.status === 200 && r.body.trim() === "ok";
    });
    if (apiErr) return await fail(`${apiErr}${lastBody ? `\n--- last /readyz body ---\n${lastBody}` : ""}`);

    const caPem = servingCa(certDir);
    if (!caPem) return await fail(`no certificate found in ${certDir}/apiserver.crt`);

    const kubeconfigPath = path.join(dir, "admin.kubeconfig");
    writeFileSync(kubeconfigPath, kubeconfigJson(server, caPem, "admin", adminToken), { mode: 0o600 });

    const kubectlBin = path.join(binDir, "kubectl");
    let tokenKubeconfigs = 0;
    let stopping: Promise<void> | undefined;

    const cp: ControlPlane = {
      server,
      kubeconfigPath,
      binDir,
      dir,
      logDir,
      adminToken,
      caPem,
      etcdUrl,
      serviceAccountKeyPath: saKey,
      pids: { etcd: etcd.child.pid ?? 0, apiserver: api.child.pid ?? 0 },
      env: { KUBECONFIG: kubeconfigPath },
      kubectl: (args, kopts) => runKubectl(kubectlBin, kubeconfigPath, kubeCacheDir, args, kopts),
      kubeconfigForToken(token, kcOpts) {
        const name = (kcOpts?.name ?? `token-${++tokenKubeconfigs}`).replace(/[^A-Za-z0-9_.-]/g, "_");
        const file = path.join(dir, `${name}.kubeconfig`);
        writeFileSync(file, kubeconfigJson(server, caPem, name, token), { mode: 0o600 });
        return file;
      },
      async serviceAccountKubeconfig(namespace, name, saOpts) {
        if (saOpts?.create ?? true) {
          const r = await cp.kubectl(["create", "serviceaccount", name, "-n", namespace]);
          if (r.code !== 0 && !/AlreadyExists/.test(r.stderr)) {
            throw new Error(`kubectl create serviceaccount ${namespace}/${name} failed:\n${r.stderr.trim()}`);
          }
        }
        const args = ["create", "token", name, "-n", namespace];
        if (saOpts?.duration) args.push(`--duration=${saOpts.duration}`);
        const { stdout } = await cp.kubectl(args, { check: true });
        return cp.kubeconfigForToken(stdout.trim(), { name: `sa-${namespace}-${name}` });
      },
      stop() {
        stopping ??= cleanup();
        return stopping;
      },
    };
    return cp;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * `kubectl apply --server-side` each file (or directory) and waits until every
 * CRD in it reports condition=Established.
 */
export async function installCrds(
  cp: Pick<ControlPlane, "kubectl">,
  paths: string[],
  opts: { timeoutSeconds?: number } = {},
): Promise<void> {
  const timeout = `${opts.timeoutSeconds ?? 60}s`;
  for (const p of paths) {
    await cp.kubectl(["apply", "--server-side", "--force-conflicts", "-f", p], { check: true });
  }
  for (const p of paths) {
    await cp.kubectl(["wait", "--for=condition=Established", `--timeout=${timeout}`, "-f", p], {
      check: true,
    });
  }
}
