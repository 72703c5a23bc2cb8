// A real apiserver with our CRDs and KubeVirt's, a Pod Security "restricted" namespace for builds, and
// the operator wired the way src/controller/operator.ts wires it, with the kubevirt backend.
import path from "node:path";
import { after, before } from "node:test";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { operatorConfigSchema, type OperatorConfig } from "../../../src/controller/config.js";
import { startOperator as startRootfsOperator } from "../../../src/controller/operator.js";
import { wireKubevirtBackend } from "../../../src/controller/kubevirt-backend/index.js";
import type { InstallRuntime } from "../../../src/controller/builders/index.js";
import { rootfsBuildRef } from "../../../src/controller/rootfs-refs.js";
import {
  KubeClient,
  coreRefs,
  createLogger,
  silentLogger,
  type Manager,
} from "../../../src/runtime/index.js";
import {
  installCrds,
  startControlPlane,
  type ControlPlane,
  type StartControlPlaneOptions,
} from "../../harness/control-plane.js";
import { inNamespace, rootfsBuild, set, type Manifest, type Modifier } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { repoRoot } from "../../helpers/paths.js";

export const namespace = "builds";
export const storageClaim = "rootfs-artifacts";
export const operatorNamespace = "rootfs-system";
/** Enforces Pod Security "restricted": worker Pods are dry-run here to prove they pass it. */
export const restrictedNamespace = "pss-restricted";

export interface Env {
  cp: ControlPlane;
  client: KubeClient;
  /** Added to the backend's clock: the install timeout is judged by it. */
  clockOffsetMs: number;
  stop(): Promise<void>;
}

export async function startEnv(opts: StartControlPlaneOptions = {}): Promise<Env> {
  const cp = await startControlPlane(opts);
  await installCrds(
    cp,
    ["crds", "test/fixtures/kubevirt-crds"].map((p) => path.join(repoRoot, p)),
  );
  const client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
  await client.create(coreRefs.namespace, { metadata: { name: operatorNamespace } });
  await createBuildNamespaces(client);
  return {
    cp,
    client,
    clockOffsetMs: 0,
    async stop() {
      client.close();
      await cp.stop();
    },
  };
}

/**
 * The namespace builds run in, with its storage PVC, and the one finishJob() proves Pods "restricted" in.
 */
export async function createBuildNamespaces(client: KubeClient): Promise<void> {
  // Builds that write an nfsroot tree need "baseline" for their extract Pod; every other Pod the
  // operator makes must pass "restricted", which finishJob() checks in restrictedNamespace.
  const enforce = (level: string) => ({
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/enforce-version": "latest",
  });
  for (const [name, level] of [
    [namespace, "baseline"],
    [restrictedNamespace, "restricted"],
  ] as const) {
    await client.create(coreRefs.namespace, { metadata: { name, labels: enforce(level) } });
    // No controllers run here: the ServiceAccount admission plugin wants "default" to exist before any Pod.
    await client.create(coreRefs.serviceAccount, { metadata: { name: "default", namespace: name } });
  }
  await client.create(coreRefs.pvc, {
    metadata: { name: storageClaim, namespace },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } },
  });
}

export interface OperatorOptions {
  config?: OperatorConfig;
  kubeconfig?: string;
  leaderElection?: boolean;
  /** Ask the ISO's server for its size (HEAD), as the operator does, instead of a fixed 4.4 GB. */
  realIsoSize?: boolean;
  installRuntime?: InstallRuntime;
}

/**
 * The operator process: the RootfsBuild controller with the kubevirt backend, wired by operator.ts. By
 * default as the admin with the test's configuration; `as` gives another identity and configuration.
 */
export async function startOperator(env: Env, as: OperatorOptions = {}): Promise<Manager> {
  // TEST_LOG=info (or debug) shows what the operator did.
  const log = process.env.TEST_LOG ? createLogger({ level: process.env.TEST_LOG }) : silentLogger();
  const config =
    as.config ??
    operatorConfigSchema.parse({
      namespace: operatorNamespace,
      defaultStorage: { pvc: { claimName: storageClaim } },
    });
  return startRootfsOperator({
    config,
    kubeconfig: as.kubeconfig ?? env.cp.kubeconfigPath,
    healthAddress: false,
    leaderElection: as.leaderElection ?? false,
    workers: 4,
    log,
    backend: {
      kind: "custom",
      wire: (manager) =>
        wireKubevirtBackend(manager, {
          config,
          installRuntime: as.installRuntime ?? "kubevirt",
          pollIntervalMs: 250,
          ...(!as.realIsoSize && { isoSize: () => Promise.resolve(4_400_000_000) }),
          now: () => new Date(Date.now() + env.clockOffsetMs),
        }),
    },
  });
}

/**
 * A suite's apiserver and operator (started with `as`): started before its tests, the env handed to
 * `use`, both stopped after them.
 */
export function envAndOperatorForSuite(use: (env: Env) => void, as: OperatorOptions = {}): void {
  let env: Env | undefined;
  let operator: Manager | undefined;
  before(async () => {
    env = await startEnv();
    use(env);
    operator = await startOperator(env, as);
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
  });
}

/** The test's configuration, with sources on loopback over plain http let through (and `sources`). */
export function loopbackSourcesConfig(sources: Record<string, unknown> = {}): OperatorConfig {
  return operatorConfigSchema.parse({
    namespace: operatorNamespace,
    defaultStorage: { pvc: { claimName: storageClaim } },
    sources: { allowPlainHTTP: true, allowPrivateAddresses: true, ...sources },
  });
}

let isoSeq = 0;

/** A build in the builds namespace, of an ISO (digest) no other test uses unless `iso` is shared. */
export function uniqueBuild(name: string, ...mods: Modifier[]): Manifest {
  const digest = `sha256:${(++isoSeq + 0xb00).toString(16).padStart(64, "0")}`;
  return rootfsBuild(name, inNamespace(namespace), set("spec.source.iso.checksum", digest), ...mods);
}

export async function applyBuild(env: Env, manifest: Manifest): Promise<RootfsBuild> {
  await env.cp.kubectl(["apply", "--server-side", "-f", "-"], { stdin: stringify(manifest), check: true });
  return buildUntil(env, manifest.metadata.name, (b) => b.metadata.uid !== undefined);
}

export async function getBuild(env: Env, name: string): Promise<RootfsBuild | undefined> {
  return env.client.getOrUndefined<RootfsBuild>(rootfsBuildRef, name, namespace);
}

export function buildUntil(
  env: Env,
  name: string,
  ready: (build: RootfsBuild) => boolean,
  timeoutMs = 20_000,
): Promise<RootfsBuild> {
  return eventually(
    async () => getBuild(env, name),
    (b): b is RootfsBuild => b !== undefined && ready(b),
    { timeoutMs },
  ) as Promise<RootfsBuild>;
}

export const phaseIs = (phase: string) => (b: RootfsBuild) => b.status?.phase === phase;

export function succeededCondition(build: RootfsBuild) {
  return build.status?.conditions?.find((c) => c.type === "Succeeded");
}
