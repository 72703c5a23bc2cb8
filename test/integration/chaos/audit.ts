// The apiserver's audit log: who wrote what, and when, as the server saw it. Each operator replica runs
// as a ServiceAccount of its own, so every write names the replica that made it.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import type { ControlPlane } from "../../harness/control-plane.js";
import { operatorNamespace } from "../kubevirt-backend/env.js";

export interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    subresource?: string;
    apiGroup?: string;
  };
  responseStatus?: { code?: number };
  /** When the response was sent (RFC 3339, microseconds). */
  stageTimestamp: string;
}

const writes = ["create", "update", "patch", "delete", "deletecollection"];

/** kube-apiserver flags that log every write (metadata only) to `dir`/audit.log. */
export async function auditFlags(dir: string): Promise<{ args: string[]; log: string }> {
  const policy = path.join(dir, "audit-policy.yaml");
  const log = path.join(dir, "audit.log");
  await writeFile(
    policy,
    stringify({
      apiVersion: "audit.k8s.io/v1",
      kind: "Policy",
      omitStages: ["RequestReceived"],
      rules: [{ level: "Metadata", verbs: writes }, { level: "None" }],
    }),
  );
  return { args: [`--audit-policy-file=${policy}`, `--audit-log-path=${log}`], log };
}

/** The successful writes in the log. */
export async function auditedWrites(log: string): Promise<AuditEvent[]> {
  const text = await readFile(log, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => writes.includes(e.verb) && (e.responseStatus?.code ?? 0) < 300);
}

/** A kubeconfig for ServiceAccount rootfs-system/`name`, bound to cluster-admin. */
export async function replicaKubeconfig(cp: ControlPlane, name: string): Promise<string> {
  const kubeconfig = await cp.serviceAccountKubeconfig(operatorNamespace, name);
  await cp.kubectl(
    [
      "create",
      "clusterrolebinding",
      `${name}-admin`,
      "--clusterrole=cluster-admin",
      `--serviceaccount=${operatorNamespace}:${name}`,
    ],
    { check: true },
  );
  return kubeconfig;
}

export const userOf = (replica: string) => `system:serviceaccount:${operatorNamespace}:${replica}`;

/** "<verb> <resource>[/<subresource>] <namespace>/<name>" */
export function describeWrite(e: AuditEvent): string {
  const ref = e.objectRef ?? {};
  const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
  return `${e.stageTimestamp} ${e.user.username} ${e.verb} ${resource} ${ref.namespace ?? ""}/${ref.name ?? ""}`;
}
