// The Pod Security level of a Pod as the kubelet ran it: its spec, read back from the apiserver, is
// dry-run created in namespaces that enforce each level; the strictest that admits it is its level.
import type { ControlPlane } from "../../harness/control-plane.js";
import { apply, namespaceManifest } from "./pods.js";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

const probeNamespace = (level: "restricted" | "baseline") => `pss-probe-${level}`;

export async function createPodSecurityProbes(cp: ControlPlane): Promise<void> {
  await apply(cp, namespaceManifest(probeNamespace("restricted"), "restricted"));
  await apply(cp, namespaceManifest(probeNamespace("baseline"), "baseline"));
}

interface PodObject {
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** The strictest level whose namespace admits the Pod's spec. */
export async function podSecurityLevel(cp: ControlPlane, pod: PodObject): Promise<PodSecurityLevel> {
  for (const level of ["restricted", "baseline"] as const) {
    // Not what Pod Security judges: where it ran, and a ServiceAccount the probe namespace lacks.
    const { nodeName: _node, serviceAccountName: _sa, serviceAccount: _saName, ...rest } = pod.spec;
    const spec = { ...rest, serviceAccountName: "default" };
    const probe = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: pod.metadata.name, namespace: probeNamespace(level) },
      spec,
    };
    const result = await cp.kubectl(["create", "--dry-run=server", "-f", "-"], {
      stdin: JSON.stringify(probe),
    });
    if (result.code === 0) return level;
    if (!/violates PodSecurity/.test(result.stderr))
      throw new Error(`dry run of ${pod.metadata.name}: ${result.stderr}`);
  }
  return "privileged";
}
