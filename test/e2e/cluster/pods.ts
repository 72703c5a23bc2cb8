// Pods and Jobs the cluster tests run with the worker image (it has sh and node), as Pod Security
// "restricted" wants them, and ways to wait for them.
import { stringify } from "yaml";
import type { ControlPlane } from "../../harness/control-plane.js";
import { eventually } from "../../helpers/eventually.js";
import { workerImage } from "../images/images.js";

export interface PodOptions {
  resources?: Record<string, string>;
  supplementalGroups?: number[];
  volumes?: { name: string; claimName: string; mountPath: string }[];
  serviceAccountToken?: boolean;
}

/** A Pod spec that passes "restricted": non-root, no capabilities, no escalation, RuntimeDefault seccomp. */
export function restrictedPodSpec(command: string[], opts: PodOptions = {}): Record<string, unknown> {
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: opts.serviceAccountToken ?? false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
      ...(opts.supplementalGroups && { supplementalGroups: opts.supplementalGroups }),
    },
    containers: [
      {
        name: "main",
        image: workerImage,
        imagePullPolicy: "Never",
        command,
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        },
        ...(opts.resources && { resources: { limits: opts.resources } }),
        volumeMounts: (opts.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
      },
    ],
    volumes: (opts.volumes ?? []).map((v) => ({
      name: v.name,
      persistentVolumeClaim: { claimName: v.claimName },
    })),
  };
}

export async function apply(cp: ControlPlane, ...objects: object[]): Promise<void> {
  await cp.kubectl(["apply", "-f", "-"], {
    stdin: objects.map((o) => stringify(o)).join("---\n"),
    check: true,
  });
}

/** A namespace that enforces a Pod Security level. */
export function namespaceManifest(name: string, level: "restricted" | "baseline"): object {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

interface PodStatus {
  status?: {
    phase?: string;
    containerStatuses?: { state?: { terminated?: { exitCode: number; reason?: string } } }[];
  };
}

/** Waits until the Pod has ended and returns its phase and log. */
export async function podResult(
  cp: ControlPlane,
  namespace: string,
  name: string,
  timeoutMs = 90_000,
): Promise<{ phase: string; log: string }> {
  const pod = await eventually(
    async () => {
      const got = await cp.kubectl(["get", "pod", name, "-n", namespace, "-o", "json"]);
      return got.code === 0 ? (JSON.parse(got.stdout) as PodStatus) : undefined;
    },
    (p) => p?.status?.phase === "Succeeded" || p?.status?.phase === "Failed",
    { timeoutMs, intervalMs: 500 },
  );
  const log = await cp.kubectl(["logs", "-n", namespace, name], { check: true });
  return { phase: pod?.status?.phase ?? "", log: log.stdout };
}
