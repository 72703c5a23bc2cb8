// Prometheus metrics named exactly like controller-runtime's (and client-go's
// workqueue ones), so existing dashboards and alerts work unchanged.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What a work queue reports at scrape time (in-flight durations are not events). */
export interface QueueProbe {
  readonly name: string;
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

// controller-runtime pkg/internal/controller/metrics.
const reconcileTimeBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// prometheus.ExponentialBuckets(10e-9, 10, 12) in controller-runtime's workqueue metrics.
const queueBuckets = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

export class RuntimeMetrics {
  /** Everything below, plus whatever the application registers. Serve it with registry.metrics(). */
  readonly registry: Registry;

  readonly reconcileTotal: Counter<"controller" | "result">;
  readonly reconcileErrors: Counter<"controller">;
  readonly terminalReconcileErrors: Counter<"controller">;
  readonly reconcileTime: Histogram<"controller">;
  readonly activeWorkers: Gauge<"controller">;
  readonly maxConcurrentReconciles: Gauge<"controller">;

  readonly queueDepth: Gauge<"name">;
  readonly queueAdds: Counter<"name">;
  readonly queueRetries: Counter<"name">;
  readonly queueLatency: Histogram<"name">;
  readonly workDuration: Histogram<"name">;
  readonly unfinishedWork: Gauge<"name">;
  readonly longestRunningProcessor: Gauge<"name">;

  readonly leaderStatus: Gauge<"name">;
  readonly restClientRequests: Counter<"code" | "method" | "host">;

  private readonly queues = new Set<QueueProbe>();

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });

    this.reconcileTotal = new Counter({
      name: "controller_runtime_reconcile_total",
      help: "Total number of reconciliations per controller",
      labelNames: ["controller", "result"],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: "controller_runtime_reconcile_errors_total",
      help: "Total number of reconciliation errors per controller",
      labelNames: ["controller"],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: "controller_runtime_terminal_reconcile_errors_total",
      help: "Total number of terminal reconciliation errors per controller",
      labelNames: ["controller"],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: "controller_runtime_reconcile_time_seconds",
      help: "Length of time per reconciliation per controller",
      labelNames: ["controller"],
      buckets: reconcileTimeBuckets,
      registers,
    });
    this.activeWorkers = new Gauge({
      name: "controller_runtime_active_workers",
      help: "Number of currently used workers per controller",
      labelNames: ["controller"],
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: "controller_runtime_max_concurrent_reconciles",
      help: "Maximum number of concurrent reconciles per controller",
      labelNames: ["controller"],
      registers,
    });

    this.queueDepth = new Gauge({
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: ["name"],
      registers,
    });
    this.queueAdds = new Counter({
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: ["name"],
      registers,
    });
    this.queueRetries = new Counter({
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames: ["name"],
      registers,
    });
    this.queueLatency = new Histogram({
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: ["name"],
      buckets: queueBuckets,
      registers,
    });
    this.workDuration = new Histogram({
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes",
      labelNames: ["name"],
      buckets: queueBuckets,
      registers,
    });
    const queues = this.queues;
    this.unfinishedWork = new Gauge({
      name: "workqueue_unfinished_work_seconds",
      help:
        "How many seconds of work has been done that is in progress and hasn't been observed by " +
        "work_duration. Large values indicate stuck threads.",
      labelNames: ["name"],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, q.unfinishedWorkSeconds());
      },
    });
    this.longestRunningProcessor = new Gauge({
      name: "workqueue_longest_running_processor_seconds",
      help: "How many seconds has the longest running processor for workqueue been running.",
      labelNames: ["name"],
      registers,
      collect() {
        for (const q of queues) this.set({ name: q.name }, q.longestRunningProcessorSeconds());
      },
    });

    this.leaderStatus = new Gauge({
      name: "leader_election_master_status",
      help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.",
      labelNames: ["name"],
      registers,
    });
    this.restClientRequests = new Counter({
      name: "rest_client_requests_total",
      help: "Number of HTTP requests, partitioned by status code, method, and host.",
      labelNames: ["code", "method", "host"],
      registers,
    });
  }

  /** Starts reporting in-flight work of `queue` at scrape time. */
  addQueue(queue: QueueProbe): void {
    this.queues.add(queue);
  }

  removeQueue(queue: QueueProbe): void {
    this.queues.delete(queue);
  }
}
