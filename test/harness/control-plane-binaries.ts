// The control plane's binaries, built (or taken from the cache or $KUBEBUILDER_ASSETS) by
// test/harness/build-control-plane.sh.

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lastLineOf } from "./processes.js";

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "test", "harness", "build-control-plane.sh"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error("control-plane harness: cannot locate test/harness/build-control-plane.sh");
    dir = parent;
  }
}

const binDirPromises = new Map<string, Promise<string>>();

/**
 * Returns a directory with kube-apiserver, kubectl and etcd: runs
 * test/harness/build-control-plane.sh (which honours KUBEBUILDER_ASSETS and
 * reuses its cache, so only the first call on a machine is slow). Memoised
 * per process. The script's progress goes to this process's stderr.
 */
export function resolveBinDir(): Promise<string> {
  return buildOnce([]);
}

/**
 * Returns a directory with the real cluster's kubelet, kube-controller-manager, kube-scheduler,
 * kube-proxy and kvm-device-plugin (build-control-plane.sh --node: same module, same cache).
 */
export function resolveNodeBinDir(): Promise<string> {
  return buildOnce(["--node"]);
}

function buildOnce(args: string[]): Promise<string> {
  const key = args.join(" ");
  let promise = binDirPromises.get(key);
  if (!promise) {
    const script = path.join(findRepoRoot(), "test", "harness", "build-control-plane.sh");
    promise = lastLineOf(script, args, { echoStderr: true }).catch((err: unknown) => {
      binDirPromises.delete(key);
      throw err;
    });
    binDirPromises.set(key, promise);
  }
  return promise;
}
