import { parseDuration } from "../../api/quantity.js";
import type { Informer, KubeObject } from "../../runtime/index.js";
import {
  allChildNames,
  namespaceOf,
  type BuildChildren,
  type BuildContext,
  type ResolvedStorage,
} from "../manifests/index.js";
import type { ConsoleTailReader } from "./console-tail.js";
import { ownedBy } from "./decision.js";
import { installTimedOut } from "./install-outcome.js";
import type { InstallLogReader } from "./install-log.js";
import type { IsoSizeProbe } from "./iso-size.js";
import { jobOutcome, podsOf } from "./job-outcome.js";
import type { ObservedJob, ObservedPod, ObservedVmi } from "./observed.js";
import type { OwnedChildren } from "./owned-children.js";
import type { OwnedChild, Snapshot } from "./snapshot.js";

/** The caches the backend reads children from (label-selected: only objects the operator made). */
export interface ChildInformers {
  pvcs: Informer;
  jobs: Informer<ObservedJob>;
  pods: Informer<ObservedPod>;
  /** Only where installs run in KubeVirt VMs (installRuntime kubevirt). */
  vms?: Informer;
  vmis?: Informer<ObservedVmi>;
}

export interface ObserveDeps {
  informers: ChildInformers;
  owned: OwnedChildren;
  isoSize: IsoSizeProbe;
  consoleTail: ConsoleTailReader;
  installLog: InstallLogReader;
  /** Whether a PVC exists: the storage PVC is the user's, so it is not in the label-selected caches. */
  pvcExists: (namespace: string, name: string) => Promise<boolean>;
}

/**
 * Gathers the build's children from the caches. Only four things leave the process, and only when
 * decide() will need them: the ISO's size (no ISO PVC yet), whether the storage PVC exists (before the
 * install and before the extract), the console tail (the install VM failed or timed out) and the
 * running install Pod's log (its accelerator and progress).
 */
export async function observe(
  ctx: BuildContext,
  storage: ResolvedStorage,
  deps: ObserveDeps,
  now: Date,
): Promise<Snapshot> {
  const { pvcs, jobs, pods, vms, vmis } = deps.informers;
  const names = allChildNames(ctx);
  const namespace = namespaceOf(ctx);
  const cached = <T extends KubeObject>(informer: Informer<T> | undefined, name: string) =>
    informer?.get(`${namespace}/${name}`);
  const finishedPods = (job: ObservedJob | undefined) =>
    job && jobOutcome(job).phase !== "running" ? podsOf(job, pods.list()) : [];

  const vm = cached(vms, names.installVm);
  const instance = cached(vmis, names.installVm);
  const prepareJob = cached(jobs, names.prepareJob);
  const extractJob = cached(jobs, names.extractJob);
  const installJob = ctx.installRuntime === "pod" ? cached(jobs, names.installJob) : undefined;
  const installPods = installJob ? podsOf(installJob, pods.list()) : [];
  const snapshot: Snapshot = {
    isoPvc: cached(pvcs, names.isoPvc),
    prepareJob,
    // While the prepare Job runs, its Pod tells whether it fetches or remasters.
    preparePods: prepareJob ? podsOf(prepareJob, pods.list()) : [],
    targetPvc: cached(pvcs, names.targetDiskPvc),
    vm,
    // A VMI left behind by a deleted VM of the same name is not this VM's.
    vmi: vm?.metadata.uid && instance && ownedBy(instance, vm.metadata.uid) ? instance : undefined,
    installJob,
    installPods,
    extractJob,
    extractPods: finishedPods(extractJob),
    stale: staleChildren(ctx, deps.owned, names),
  };

  if (!snapshot.isoPvc && !vm && !installJob && !extractJob) {
    snapshot.isoSizeBytes = await deps.isoSize(ctx.build.spec.source.iso?.url ?? "");
  }
  const vmi = snapshot.vmi;
  const phase = vmi?.status?.phase;
  const installRunning = installJob !== undefined && jobOutcome(installJob).phase === "running";
  const installing = vm
    ? phase !== "Succeeded"
    : installJob
      ? jobOutcome(installJob).phase !== "succeeded"
      : false;
  if (storage.pvc && !extractJob && !installing) {
    snapshot.storagePvcFound = await deps.pvcExists(namespace, storage.pvc.claimName);
  }
  const timedOut =
    vm !== undefined && installTimedOut(vm, parseDuration(ctx.build.spec.install.timeout), now);
  if (vmi && !extractJob && (phase === "Failed" || (phase !== "Succeeded" && timedOut))) {
    snapshot.consoleTail = await deps.consoleTail(vmi);
  }
  const installPod = installPods.filter((pod) => pod.status?.phase === "Running").at(-1);
  if (installRunning && installPod) snapshot.installLog = await deps.installLog(installPod);
  return snapshot;
}

/** What the build owns besides the children of its current build key and ISO key. */
function staleChildren(ctx: BuildContext, owned: OwnedChildren, names: BuildChildren): OwnedChild[] {
  const current = new Set(Object.values(names));
  return owned.of(ctx.build.metadata.uid ?? "").filter(({ object }) => !current.has(object.metadata.name));
}
