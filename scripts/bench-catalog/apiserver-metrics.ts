import type { ControlPlane } from "../../test/harness/control-plane.js";

const writeVerbs = new Set(["POST", "PUT", "PATCH", "DELETE", "CREATE", "UPDATE", "APPLY"]);

/** Totals of apiserver_request_total for rootfs.dev resources and Leases, split into writes and reads. */
export async function requestCounts(cp: ControlPlane): Promise<{ writes: number; reads: number }> {
  const text = (await cp.kubectl(["get", "--raw", "/metrics"], { check: true, timeoutMs: 60_000 })).stdout;
  let writes = 0;
  let reads = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels: Record<string, string | undefined> = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    if (labels.group !== "rootfs.dev" && labels.resource !== "leases" && labels.resource !== "events")
      continue;
    if (labels.resource === "leases" && labels.group !== "coordination.k8s.io") continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (writeVerbs.has(labels.verb ?? "")) writes += value;
    else if (labels.verb !== "WATCH") reads += value;
  }
  return { writes, reads };
}
