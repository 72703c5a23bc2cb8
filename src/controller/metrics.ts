import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { phases } from "../reasons/status-reasons.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";

/** rootfs-operator's own metrics, next to controller-runtime's in the same registry. */
export class OperatorMetrics {
  readonly catalogHits: Counter;
  readonly stepDuration: Histogram<"step">;
  readonly bytesProduced: Counter<"kind">;

  constructor(registry: Registry, listBuilds: () => RootfsBuild[]) {
    const registers = [registry];
    new Gauge({
      name: "rootfs_builds",
      help: "RootfsBuilds by phase",
      labelNames: ["phase"],
      registers,
      collect() {
        const counts = new Map<string, number>(phases.map((p) => [p, 0]));
        for (const build of listBuilds()) {
          const phase = build.status?.phase ?? "Pending";
          counts.set(phase, (counts.get(phase) ?? 0) + 1);
        }
        for (const [phase, count] of counts) this.set({ phase }, count);
      },
    });
    this.catalogHits = new Counter({
      name: "rootfs_catalog_hits_total",
      help: "Builds satisfied by an existing catalog entry",
      registers,
    });
    this.stepDuration = new Histogram({
      name: "rootfs_step_duration_seconds",
      help: "Duration of each finished build step",
      labelNames: ["step"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
      registers,
    });
    this.bytesProduced = new Counter({
      name: "rootfs_bytes_produced_total",
      help: "Bytes of artifacts published, by kind",
      labelNames: ["kind"],
      registers,
    });
  }

  /** Counts a build this operator finished: each step's duration and the bytes of each artifact kind. */
  observeFinished(build: RootfsBuild, artifacts: { kind: string; size: number }[]): void {
    for (const step of build.status?.steps ?? []) {
      if (!step.startTime || !step.completionTime) continue;
      const seconds = (Date.parse(step.completionTime) - Date.parse(step.startTime)) / 1000;
      this.stepDuration.observe({ step: step.name }, seconds);
    }
    for (const a of artifacts) this.bytesProduced.inc({ kind: a.kind }, a.size);
  }
}
