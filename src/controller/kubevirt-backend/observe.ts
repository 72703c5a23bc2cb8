import { parseDuration } from "../../api/quantity.js";
import type { Informer, KubeObject } from "../../runtime/index.js";
import { allChildNames, namespaceOf, type BuildContext, type ResolvedStorage } from "../builders/index.js";
import type { ConsoleTailReader } from "./console-tail.js";
import type { InstallLogReader } from "./install-log.js";
import { installTimedOut } from "./vm-install-status.js";
import type { IsoSizeProbe } from "./iso-size.js";
import { jobOutcome, podsOf } from "./job-status.js";
import type { OwnedChildren } from "./owned-children.js";
import { controlledBy, ownChild, sharedChild } from "./ownership.js";
import type { OwnedChild, Snapshot, ObservedJob, ObservedPod, ObservedVmi } from "./snapshot.js";

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
  const squatted: string[] = [];
  // A child at its deterministic name counts only when the build owns it; anything else is in the way.
  const child = <T extends KubeObject>(
    informer: Informer<T> | undefined,
    name: string,
    shared = false,
  ): T | undefined => {
    const object = informer?.get(`${namespace}/${name}`);
    if (!object) return undefined;
    if (shared ? sharedChild(object, namespace) : ownChild(object, ctx.build)) return object;
    squatted.push(`${informer?.ref.kind ?? "object"} ${namespace}/${name}`);
    return undefined;
  };
  const finishedPods = (job: ObservedJob | undefined) =>
    job && jobOutcome(job).phase !== "running" ? podsOf(job, pods.list()) : [];

  const vm = child(vms, names.installVm);
  const instance = vmis?.get(`${namespace}/${names.installVm}`);
  const prepareJob = child(jobs, names.prepareJob, true);
  const extractJob = child(jobs, names.extractJob);
  const installJob = ctx.installRuntime === "pod" ? child(jobs, names.installJob) : undefined;
  // Only the Pods the install Job controls (podsOf): a Pod made by anyone else with its labels is not.
  const installPods = installJob ? podsOf(installJob, pods.list()) : [];
  const snapshot: Snapshot = {
    isoPvc: child(pvcs, names.isoPvc, true),
    prepareJob,
    // While the prepare Job runs, its Pod tells whether it fetches or remasters.
    preparePods: prepareJob ? podsOf(prepareJob, pods.list()) : [],
    targetPvc: child(pvcs, names.targetDiskPvc),
    vm,
    // Only the instance this VM controls: not a deleted namesake's, nor one made by anyone else.
    vmi:
      vm && instance && controlledBy(instance, { ...vm.metadata, kind: "VirtualMachine" })
        ? instance
        : undefined,
    installJob,
    installPods,
    extractJob,
    extractPods: finishedPods(extractJob),
    squatted,
    stale: staleChildren(ctx, deps.owned),
  };

  if (!snapshot.isoPvc && !vm && !installJob && !extractJob) {
    snapshot.isoSizeBytes = await deps.isoSize(ctx.sourceURL);
  }
  const vmi = snapshot.vmi;
  const phase = vmi?.status?.phase;
  const installing = vm
    ? phase !== "Succeeded"
    : installJob !== undefined && jobOutcome(installJob).phase !== "succeeded";
  if (storage.pvc && !extractJob && !installing) {
    snapshot.storagePvcFound = await deps.pvcExists(namespace, storage.pvc.claimName);
  }
  const timedOut =
    vm !== undefined && installTimedOut(vm, parseDuration(ctx.build.spec.install.timeout), now);
  if (vmi && !extractJob && (phase === "Failed" || (phase !== "Succeeded" && timedOut))) {
    snapshot.consoleTail = await deps.consoleTail(vmi);
  }
  const installRunning = installJob !== undefined && jobOutcome(installJob).phase === "running";
  const installPod = installPods.filter((pod) => pod.status?.phase === "Running").at(-1);
  if (installRunning && installPod) snapshot.installLog = await deps.installLog(installPod);
  return snapshot;
}

/** What the build owns, in its namespace, besides the children of its current build key and ISO key. */
export function staleChildren(ctx: BuildContext, owned: OwnedChildren): OwnedChild[] {
  const current = new Set(Object.values(allChildNames(ctx)));
  return owned
    .of(ctx.build.metadata.uid ?? "")
    .filter(({ object }) => object.metadata.namespace === ctx.build.metadata.namespace)
    .filter(({ object }) => !current.has(object.metadata.name));
}
