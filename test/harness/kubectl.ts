// The harness's kubectl, run against a control plane with a kubeconfig of its choosing.

import { runCaptured, type CapturedRunOptions } from "./captured-run.js";

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface KubectlOptions extends CapturedRunOptions {
  /** Kubeconfig to use instead of the admin one (see kubeconfigForToken). */
  kubeconfig?: string;
  /** Throw (with stderr) when kubectl exits non-zero. */
  check?: boolean;
}

export async function runKubectl(
  kubectlBin: string,
  kubeconfig: string,
  cacheDir: string,
  args: string[],
  opts: KubectlOptions = {},
): Promise<KubectlResult> {
  const fullArgs = [`--kubeconfig=${opts.kubeconfig ?? kubeconfig}`, `--cache-dir=${cacheDir}`, ...args];
  const { stdout, stderr, code, signal } = await runCaptured(kubectlBin, fullArgs, opts);
  if (opts.check && code !== 0) {
    throw new Error(
      `kubectl ${args.join(" ")} failed (${signal ? `signal ${signal}` : `exit ${code}`}):\n${stderr.trim()}`,
    );
  }
  return { stdout, stderr, code };
}
