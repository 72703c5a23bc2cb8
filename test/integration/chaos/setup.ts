// A control plane, a ledger watching what the operator makes, an operator.yaml for the process, and the
// set of builds every chaos test runs: two sharing an ISO, one alone, and one more of the lone build's
// build key (a catalog hit once the first is published).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { StartControlPlaneOptions } from "../../harness/control-plane.js";
import { set, type Manifest } from "../../helpers/builds.js";
import {
  applyBuild,
  operatorNamespace,
  startEnv,
  storageClaim,
  uniqueBuild,
  type Env,
} from "../kubevirt-backend/env.js";
import { Ledger } from "./ledger.js";
import { killAll, OperatorProcess, type OperatorProcessOptions } from "./operator-process.js";

export interface ChaosEnv extends Env {
  ledger: Ledger;
  /** Scratch directory: operator.yaml, and each operator's log when CHAOS_LOG_DIR is unset. */
  dir: string;
  /** Starts `rootfs operator` against this control plane. */
  operator(name: string, opts?: Partial<OperatorProcessOptions>): OperatorProcess;
}

export async function startChaosEnv(
  opts: StartControlPlaneOptions & { dir?: string } = {},
): Promise<ChaosEnv> {
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), "rootfs-chaos-"));
  const removeDir = () => {
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  };
  const env = await startEnv(opts).catch((err: unknown) => {
    removeDir();
    throw err;
  });
  const config = path.join(dir, "operator.yaml");
  writeFileSync(
    config,
    stringify({ namespace: operatorNamespace, defaultStorage: { pvc: { claimName: storageClaim } } }),
  );
  const ledger = await Ledger.start(env);
  // CHAOS_LOG_DIR=dir keeps every operator's log there.
  const logDir = process.env.CHAOS_LOG_DIR;
  return {
    ...env,
    ledger,
    dir,
    operator: (name, more = {}) =>
      OperatorProcess.spawn({ name, kubeconfig: env.cp.kubeconfigPath, config, logDir, ...more }),
    async stop() {
      await killAll();
      await ledger.close();
      await env.stop();
      removeDir();
    },
  };
}

export interface BuildSet {
  /** Two builds of one ISO and installer, with different build keys: they share the ISO PVC and prepare Job. */
  sharers: [Manifest, Manifest];
  /** A build of another ISO. */
  solo: Manifest;
  /** The solo build's spec under another name: the same build key. */
  twin: Manifest;
}

export function buildSet(prefix: string): BuildSet {
  const vim = uniqueBuild(`${prefix}-vim`, set("spec.install.packages", ["vim"]));
  const tmux = structuredClone(vim);
  tmux.metadata.name = `${prefix}-tmux`;
  set("spec.install.packages", ["tmux"])(tmux);
  const solo = uniqueBuild(`${prefix}-solo`);
  const twin = structuredClone(solo);
  twin.metadata.name = `${prefix}-twin`;
  return { sharers: [vim, tmux], solo, twin };
}

/** Applies the builds at once; resolves with them as stored, in order. */
export function applyAll<T extends Manifest[]>(
  env: Env,
  manifests: [...T],
): Promise<{ [K in keyof T]: RootfsBuild }> {
  return Promise.all(manifests.map((m) => applyBuild(env, m))) as Promise<{ [K in keyof T]: RootfsBuild }>;
}
