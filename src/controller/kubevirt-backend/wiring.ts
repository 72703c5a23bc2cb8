import {
  coreRefs,
  objectKey,
  watch,
  type Informer,
  type KubeObject,
  type Manager,
  type Watch,
} from "../../runtime/index.js";
import type { InstallRuntime } from "../builders/index.js";
import { managedBy, managedByLabel } from "../builders/object-meta.js";
import { jobNameLabel } from "./job-status.js";
import type { ChildInformers } from "./observe.js";
import type { ObservedJob, ObservedPod, ObservedVmi } from "./snapshot.js";
import { KubevirtBackend, type KubevirtBackendOptions } from "./kubevirt-backend.js";
import { virtualMachineInstanceRef, virtualMachineRef } from "./refs.js";

/**
 * The manager's caches of every child the backend reads: only objects labelled as the operator's (the
 * Job Pods and virt-launcher Pods inherit the label from their templates), in every namespace or in the
 * operator's watchNamespaces; VMs and
 * their instances only where installs run in them (a cluster without KubeVirt serves neither). Secrets
 * are not among them: the operator creates its Secrets but never reads them (no cluster-wide Secret read).
 */
export function kubevirtChildInformers(
  manager: Manager,
  installRuntime: InstallRuntime,
  namespaces: string[] = [],
): ChildInformers {
  const opts = {
    labelSelector: `${managedByLabel}=${managedBy}`,
    ...(namespaces.length > 0 && { namespaces }),
  };
  return {
    pvcs: manager.addInformer(coreRefs.pvc, opts),
    jobs: manager.addInformer<ObservedJob>(coreRefs.job, opts),
    pods: manager.addInformer<ObservedPod>(coreRefs.pod, opts),
    ...(installRuntime === "kubevirt" && {
      vms: manager.addInformer(virtualMachineRef, opts),
      vmis: manager.addInformer<ObservedVmi>(virtualMachineInstanceRef, opts),
    }),
  };
}

/** Wakes every build a child belongs to: Pods through their Job, VMIs through their VM. */
export function kubevirtChildWatches(informers: ChildInformers): Watch[] {
  const { pvcs, jobs, pods, vms, vmis } = informers;
  const inNamespaceOf = (obj: KubeObject, name: string | undefined) =>
    name === undefined ? undefined : `${obj.metadata.namespace}/${name}`;
  const ownersOfCached = (informer: Informer, key: string | undefined) => {
    const parent = key === undefined ? undefined : informer.get(key);
    return parent ? owningBuilds(parent) : [];
  };
  return [
    watch(pvcs, owningBuilds),
    watch(jobs, owningBuilds),
    watch(pods, (pod: ObservedPod) =>
      ownersOfCached(jobs, inNamespaceOf(pod, pod.metadata.labels?.[jobNameLabel])),
    ),
    ...(vms && vmis
      ? [watch(vms, owningBuilds), watch(vmis, (vmi: ObservedVmi) => ownersOfCached(vms, objectKey(vmi)))]
      : []),
  ];
}

/** Keys of every RootfsBuild that owns `obj`: shared children have several, none of them the controller. */
export function owningBuilds(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? [])
    .filter((o) => o.kind === "RootfsBuild")
    .map((o) => `${obj.metadata.namespace}/${o.name}`);
}

/** The backend and the watches that wake the reconciler when a child changes, sharing the manager's caches. */
export function wireKubevirtBackend(
  manager: Manager,
  opts: Omit<KubevirtBackendOptions, "client" | "informers" | "log">,
): { backend: KubevirtBackend; watches: Watch[] } {
  const informers = kubevirtChildInformers(manager, opts.installRuntime, opts.config.watchNamespaces);
  const backend = new KubevirtBackend({
    ...opts,
    client: manager.client,
    informers,
    log: manager.log.child({ backend: "kubevirt" }),
  });
  return { backend, watches: kubevirtChildWatches(informers) };
}
