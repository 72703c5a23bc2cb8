import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { AcceleratorRequest } from "../steps/qemu/accelerator.js";
import { parseDuration } from "../api/quantity.js";
import {
  coreRefs,
  Manager,
  objectKey,
  watch,
  type LeaderElectionOptions,
  type Logger,
  type RateLimit,
  type Watch,
} from "../runtime/index.js";
import { apiRefs } from "./api-refs.js";
import type { BuildBackend } from "./backend.js";
import { BuildReconciler } from "./build-reconciler.js";
import { claimLabel, KeyClaims, type ClaimLease } from "./claim.js";
import { resolveInstallRuntime, wireKubevirtBackend } from "./kubevirt-backend/index.js";
import type { OperatorConfig } from "./config.js";
import type { EventReason } from "../reasons/event-reasons.js";
import { LocalBackend } from "./local-backend.js";
import { OperatorMetrics } from "./metrics.js";
import { rootfsBuildRef, rootfsImageRef } from "./rootfs-refs.js";

export interface OperatorOptions {
  config: OperatorConfig;
  backend:
    | { kind: "local"; storageDir: string; cacheDir: string; accel?: AcceleratorRequest }
    | { kind: "kubevirt" }
    | { kind: "custom"; wire: (manager: Manager) => BackendWiring };
  kubeconfig?: string;
  /** Client-side limit on API requests other than watches; default QPS 20, burst 30; false for none. */
  rateLimit?: RateLimit | false;
  healthAddress?: string | false;
  leaderElection: boolean;
  /** Lease duration, renew deadline and retry period; default 15 s, 10 s and 2 s, as controller-runtime's. */
  leaderElectionTimings?: LeaderElectionTimings;
  workers: number;
  log?: Logger;
}

export type LeaderElectionTimings = Pick<
  LeaderElectionOptions,
  "leaseDurationMs" | "renewDeadlineMs" | "retryPeriodMs"
>;

/** Wires the RootfsBuild controller into a manager and starts it; stop the returned manager to shut down. */
export async function startOperator(opts: OperatorOptions): Promise<Manager> {
  const manager = new Manager({
    kubeconfig: opts.kubeconfig,
    rateLimit: opts.rateLimit,
    healthAddress: opts.healthAddress,
    log: opts.log,
    userAgent: "rootfs-operator",
    leaderElection: opts.leaderElection
      ? { namespace: opts.config.namespace, name: "rootfs-operator", ...opts.leaderElectionTimings }
      : undefined,
  });
  const { config } = opts;
  const watched = config.watchNamespaces.length > 0 ? { namespaces: config.watchNamespaces } : {};
  const builds = manager.addInformer<RootfsBuild>(rootfsBuildRef, watched);
  const images = manager.addInformer<RootfsImage>(rootfsImageRef);
  const leases = manager.addInformer<ClaimLease>(coreRefs.lease, {
    namespace: config.namespace,
    labelSelector: `${claimLabel}=true`,
  });
  const { backend, watches: childWatches } = await backendFor(opts, manager);
  const reconciler = new BuildReconciler({
    client: manager.client,
    backend,
    claims: new KeyClaims(manager.client, config.namespace, parseDuration(config.claimDuration), leases),
    builds,
    images,
    metrics: new OperatorMetrics(manager.metrics.registry, () => builds.list()),
    events: manager.eventRecorder<EventReason>("rootfs-operator"),
    refsFor: (namespace) => apiRefs(manager.client, namespace),
    config,
  });
  manager.addController({
    name: "rootfsbuild",
    reconciler,
    workers: opts.workers,
    watches: [
      watch(builds),
      // A new catalog entry settles every build waiting for its key.
      watch(images, (image) =>
        builds
          .list()
          .filter((b) => b.status?.buildKey === image.spec.buildKey)
          .map(objectKey),
      ),
      ...childWatches,
    ],
  });
  await manager.start();
  return manager;
}

/** A backend and the watches on its children that wake the builds owning them. */
export interface BackendWiring {
  backend: BuildBackend;
  watches: Watch[];
}

async function backendFor(opts: OperatorOptions, manager: Manager): Promise<BackendWiring> {
  switch (opts.backend.kind) {
    case "local":
      return { backend: new LocalBackend({ ...opts.backend, config: opts.config }), watches: [] };
    case "kubevirt": {
      const installRuntime = await resolveInstallRuntime(manager.client, opts.config.installRuntime);
      manager.log.info({ installRuntime, setting: opts.config.installRuntime }, "Chose where installers run");
      // Caches of the PVCs, Jobs, Pods (and VMs and VMIs) the operator made; a change wakes the owning builds.
      return wireKubevirtBackend(manager, { config: opts.config, installRuntime });
    }
    case "custom":
      return opts.backend.wire(manager);
  }
}
