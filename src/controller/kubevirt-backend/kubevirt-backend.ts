import type { RootfsBuild } from "../../api/rootfsbuild.js";
import { coreRefs, type KubeClient, type Logger } from "../../runtime/index.js";
import type { BackendState, BuildBackend, BuildRun } from "../backend.js";
import { sourcePolicyOf, type OperatorConfig } from "../config.js";
import {
  resolveStorage,
  waitingForStoragePvc,
  type BuildContext,
  type InstallRuntime,
  type ResolvedStorage,
} from "../builders/index.js";
import { applyActions } from "./apply-actions.js";
import { podLogConsoleTail, type ConsoleTailReader } from "./console-tail.js";
import { decide } from "./decide.js";
import { podLogInstallProgress, type InstallLogReader } from "./install-log.js";
import { retire } from "./vocabulary.js";
import { isoKeyFor } from "./iso-key.js";
import { httpIsoSize, type IsoSizeProbe } from "./iso-size.js";
import { observe, staleChildren, type ChildInformers, type ObserveDeps } from "./observe.js";
import { OwnedChildren } from "./owned-children.js";

export interface KubevirtBackendOptions {
  client: KubeClient;
  config: OperatorConfig;
  /** Where installers run: VMs, or qemu in install Pods (config installRuntime, "auto" resolved). */
  installRuntime: InstallRuntime;
  /** Label-selected caches of the children (see kubevirtChildInformers()). */
  informers: ChildInformers;
  log: Logger;
  /** How often a running build is looked at without a child changing (install timeouts). Default 15 s. */
  pollIntervalMs?: number;
  /** Default: HEAD of the ISO's URL. */
  isoSize?: IsoSizeProbe;
  /** Default: the virt-launcher Pod's guest-console-log container, through pods/log. */
  consoleTail?: ConsoleTailReader;
  /** Default: the install Pod's worker container, through pods/log. */
  installLog?: InstallLogReader;
  now?: () => Date;
}

/**
 * Builds in the cluster: a shared prepare Job fetches and remasters the ISO into a PVC, a KubeVirt VM
 * (or, with installRuntime pod, qemu in an install Job's Pod) installs onto a target PVC, and an extract
 * Job publishes the outputs. Each advance() observes the
 * build's children, decides the next step purely, and acts on it.
 */
export class KubevirtBackend implements BuildBackend {
  readonly pollIntervalMs: number;
  private readonly deps: ObserveDeps;
  private readonly now: () => Date;

  constructor(private readonly opts: KubevirtBackendOptions) {
    const { client, informers } = opts;
    this.pollIntervalMs = opts.pollIntervalMs ?? 15_000;
    this.deps = {
      informers,
      owned: new OwnedChildren([informers.pvcs, informers.jobs, ...(informers.vms ? [informers.vms] : [])]),
      isoSize: opts.isoSize ?? httpIsoSize(sourcePolicyOf(opts.config)),
      consoleTail: opts.consoleTail ?? podLogConsoleTail(client, informers.pods, opts.log),
      installLog: opts.installLog ?? podLogInstallProgress(client, opts.log),
      pvcExists: (namespace, name) =>
        client.getOrUndefined(coreRefs.pvc, name, namespace).then((pvc) => pvc !== undefined),
    };
    this.now = opts.now ?? (() => new Date());
  }

  async advance(run: BuildRun): Promise<BackendState> {
    const ctx = this.contextOf(run);
    if (!ctx) {
      return {
        kind: "failed",
        reason: "InvalidSpec",
        message:
          "The kubevirt backend builds from installer ISOs; build spec.source.disk with the local backend",
      };
    }
    if (ctx.installRuntime === "pod" && run.build.spec.os.arch !== "x86_64") {
      return {
        kind: "failed",
        reason: "InvalidSpec",
        message:
          `Install Pods run x86_64 guests only (the worker image has qemu-system-x86), not ${run.build.spec.os.arch}; ` +
          "build it where KubeVirt runs (installRuntime kubevirt) or with rootfs build",
      };
    }
    const now = this.now();
    const snapshot = await observe(ctx, run.storage, this.deps, now);
    const decision = decide(ctx, run.storage, snapshot, now);
    await applyActions(this.opts.client, run.build, decision.actions, run.log);
    return decision.state;
  }

  async retireStale(run: BuildRun): Promise<void> {
    const ctx = this.contextOf(run);
    const uid = run.build.metadata.uid ?? "";
    const stale = ctx ? staleChildren(ctx, this.deps.owned) : this.deps.owned.of(uid);
    await applyActions(this.opts.client, run.build, retire(uid, stale), run.log);
  }

  private contextOf(run: BuildRun): BuildContext | undefined {
    const { inputs } = run;
    if (!inputs.plan) return undefined;
    return {
      build: run.build,
      key: inputs.key,
      isoKey: isoKeyFor(inputs.sourceSHA256, inputs.plan),
      sourceSHA256: inputs.sourceSHA256,
      sourceURL: inputs.sourceURL,
      pinnedChecksum: inputs.pinnedChecksum,
      plan: inputs.plan,
      config: this.opts.config,
      installRuntime: this.opts.installRuntime,
    };
  }

  storageOf(build: RootfsBuild): ResolvedStorage {
    return resolveStorage(build, this.opts.config);
  }

  async storageMissing(build: RootfsBuild, storage: ResolvedStorage): Promise<string | undefined> {
    const namespace = build.metadata.namespace ?? "";
    if (!storage.pvc || (await this.deps.pvcExists(namespace, storage.pvc.claimName))) return undefined;
    return waitingForStoragePvc(namespace, storage.pvc.claimName);
  }

  /** Deletes the build's own children and releases the shared ones (deleted when no other build owns them). */
  async cleanup(build: RootfsBuild, log: Logger): Promise<void> {
    const uid = build.metadata.uid ?? "";
    await applyActions(this.opts.client, build, retire(uid, this.deps.owned.of(uid)), log);
  }
}
