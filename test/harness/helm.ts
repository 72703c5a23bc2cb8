// A real `helm` for the chart tests and `npm run gen:deploy`, built by test/harness/build-helm.sh (cached
// outside the tree, or taken from $HELM_BIN). Nothing is built here: a missing binary is an error telling
// what to run.
//
//   const helm = await resolveHelm();
//   const { stdout } = await runHelm(helm, ["template", "x", chartDir], { check: true });

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runCaptured, type CapturedRunOptions } from "./captured-run.js";

export interface HelmResult {
  stdout: string;
  stderr: string;
  code: number;
}

function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "test", "harness", "build-helm.sh"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("helm harness: cannot locate test/harness/build-helm.sh");
    dir = parent;
  }
}

let helmPromise: Promise<string> | undefined;

/** The path of the helm binary; rejects, naming the script to run, when it has not been built. */
export function resolveHelm(): Promise<string> {
  helmPromise ??= (async () => {
    const script = path.join(findRepoRoot(), "test", "harness", "build-helm.sh");
    const { stdout, stderr, code } = await run("bash", [script, "--cached-only"]);
    const bin = stdout.trim().split("\n").at(-1)?.trim() ?? "";
    if (code !== 0 || bin === "") {
      throw new Error(
        `helm is not available: run test/harness/build-helm.sh first (builds helm from the Go module ` +
          `proxy into the cache), or set HELM_BIN.\n${stderr.trim()}`,
      );
    }
    return bin;
  })().catch((err: unknown) => {
    helmPromise = undefined;
    throw err;
  });
  return helmPromise;
}

/** Runs helm with `args`; with check, rejects (with stderr) on a non-zero exit. */
export async function runHelm(
  helm: string,
  args: string[],
  opts: { stdin?: string; check?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<HelmResult> {
  const result = await run(helm, args, opts);
  if (opts.check && result.code !== 0) {
    throw new Error(`helm ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr.trim()}`);
  }
  return result;
}

async function run(command: string, args: string[], opts: CapturedRunOptions = {}): Promise<HelmResult> {
  // No kubeconfig, no repositories, no plugins: template/lint/show work offline from the chart alone.
  const { stdout, stderr, code } = await runCaptured(command, args, {
    ...opts,
    env: { HELM_NO_PLUGINS: "1", ...opts.env },
  });
  return { stdout, stderr, code };
}
