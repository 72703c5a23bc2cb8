// A real apiserver with the CRDs and an operator whose backend the test scripts (ScriptedBackend): for
// tests about the reconciler's decisions, with the operator configuration each test needs.
import path from "node:path";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { startOperator } from "../../../src/controller/operator.js";
import { rootfsBuildRef, rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, KubeClient, silentLogger, type Manager } from "../../../src/runtime/index.js";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import type { Manifest } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { repoRoot } from "../../helpers/paths.js";
import { ScriptedBackend } from "../../helpers/scripted-backend.js";

export const operatorNamespace = "rootfs-system";

export interface ReconcilerEnv {
  cp: ControlPlane;
  client: KubeClient;
  backend: ScriptedBackend;
  operator: Manager;
  /** Restarts the operator (an empty cache, as after a crash) with the same backend and configuration. */
  restart(): Promise<void>;
  apply(manifest: Manifest): Promise<void>;
  get(name: string, namespace?: string): Promise<RootfsBuild>;
  /** Waits until the build satisfies `ready`, and returns it. */
  until(
    name: string,
    ready: (b: RootfsBuild) => boolean,
    namespace?: string,
    timeoutMs?: number,
  ): Promise<RootfsBuild>;
  images(): Promise<RootfsImage[]>;
  stop(): Promise<void>;
}

/**
 * An in-process operator on `cp` driving `backend`; `config` is its configuration (its namespace is
 * operatorNamespace unless it says otherwise). TEST_LOG=1 shows its log.
 */
export function startScriptedOperator(
  cp: ControlPlane,
  backend: ScriptedBackend,
  config: Record<string, unknown> = {},
): Promise<Manager> {
  return startOperator({
    config: operatorConfigSchema.parse({ namespace: operatorNamespace, ...config }),
    backend: { kind: "custom", wire: () => ({ backend, watches: [] }) },
    kubeconfig: cp.kubeconfigPath,
    healthAddress: false,
    leaderElection: false,
    workers: 4,
    log: process.env.TEST_LOG ? undefined : silentLogger(),
  });
}

/** `config` is the operator configuration (its namespace is operatorNamespace unless it says otherwise). */
export async function startReconcilerEnv(
  config: Record<string, unknown> = {},
  namespaces: string[] = ["default"],
): Promise<ReconcilerEnv> {
  const cp = await startControlPlane();
  await installCrds(cp, [path.join(repoRoot, "crds")]);
  const client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  for (const name of [operatorNamespace, ...namespaces.filter((n) => n !== "default")])
    await client.create(coreRefs.namespace, { metadata: { name } });
  const backend = new ScriptedBackend();
  const start = () => startScriptedOperator(cp, backend, config);
  const env: ReconcilerEnv = {
    cp,
    client,
    backend,
    operator: await start(),
    async restart() {
      await env.operator.stop();
      env.operator = await start();
    },
    async apply(manifest) {
      await cp.kubectl(["apply", "--server-side", "-f", "-"], { stdin: stringify(manifest), check: true });
    },
    get: (name, namespace = "default") => client.get<RootfsBuild>(rootfsBuildRef, name, namespace),
    until: (name, ready, namespace = "default", timeoutMs = 20_000) =>
      eventually(() => env.get(name, namespace), ready, { timeoutMs }),
    images: async () => (await client.list<RootfsImage>(rootfsImageRef)).items,
    async stop() {
      await env.operator.stop();
      client.close();
      await cp.stop();
    },
  };
  return env;
}

export const conditionOf = (build: RootfsBuild, type = "Succeeded") =>
  build.status?.conditions?.find((c) => c.type === type);
