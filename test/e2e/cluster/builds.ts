// RootfsBuilds on the real cluster: examples/tiny.yaml pointed at the tiny installer served on the node
// address, applied with kubectl, and watched as a person would (`kubectl get rfsb -w`).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse, stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { ControlPlane } from "../../harness/control-plane.js";
import { set, type Manifest, type Modifier } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { repoRoot } from "../../helpers/paths.js";

export async function kubectlJson<T>(cp: ControlPlane, args: string[]): Promise<T> {
  return JSON.parse((await cp.kubectl([...args, "-o", "json"], { check: true })).stdout) as T;
}

/** examples/tiny.yaml, named `name` in `namespace`, fetching from `server` (the node address). */
export async function tinyBuild(
  name: string,
  namespace: string,
  server: string,
  ...mods: Modifier[]
): Promise<Manifest> {
  const example = parse(await readFile(path.join(repoRoot, "examples", "tiny.yaml"), "utf8")) as Manifest;
  for (const mod of [
    set("metadata.name", name),
    set("metadata.namespace", namespace),
    set("spec.source.iso.url", `${server}/tiny-installer.iso`),
    set("spec.source.iso.checksumURL", `${server}/tiny-installer.iso.sha256sum`),
    ...mods,
  ])
    mod(example);
  return example;
}

export async function applyBuild(cp: ControlPlane, build: Manifest): Promise<void> {
  await cp.kubectl(["apply", "-f", "-"], { stdin: stringify(build), check: true });
}

export interface Watched {
  build: RootfsBuild;
  /** Each distinct phase and progress message, in the order seen. */
  seen: string[];
  seconds: number;
}

/**
 * Polls the build (every second) until it succeeded or failed, recording what its status said, and the
 * operator's Pods in its namespace as they ran (`pods`, by name: the operator deletes some once done).
 */
export async function untilFinished(
  cp: ControlPlane,
  namespace: string,
  name: string,
  timeoutMs: number,
  pods?: Map<string, PodSummary>,
): Promise<Watched> {
  const started = Date.now();
  const seen: string[] = [];
  const build = await eventually(
    async () => {
      for (const pod of pods ? await operatorPods(cp, namespace) : []) pods?.set(pod.metadata.name, pod);
      return kubectlJson<RootfsBuild>(cp, ["get", "rootfsbuild", name, "-n", namespace]);
    },
    (b) => {
      const { phase = "", progress } = b.status ?? {};
      const line = `${phase}${progress ? ` [${progress.step}${progress.percent === undefined ? "" : ` ${progress.percent}%`}] ${progress.message ?? ""}` : ""}`;
      if (seen.at(-1) !== line) seen.push(line);
      return phase === "Succeeded" || phase === "Failed";
    },
    { timeoutMs, intervalMs: 1000 },
  );
  return { build, seen, seconds: Math.round((Date.now() - started) / 1000) };
}

export const succeeded = (b: RootfsBuild) => b.status?.conditions?.find((c) => c.type === "Succeeded");

export interface PodSummary {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { phase?: string };
}

/** The Pods in `namespace` the operator made (its Jobs' Pods carry the label from their templates). */
export async function operatorPods(
  cp: ControlPlane,
  namespace: string,
  selector = "",
): Promise<PodSummary[]> {
  const label = ["app.kubernetes.io/managed-by=rootfs-operator", selector].filter(Boolean).join(",");
  return (await kubectlJson<{ items: PodSummary[] }>(cp, ["get", "pods", "-n", namespace, "-l", label]))
    .items;
}
