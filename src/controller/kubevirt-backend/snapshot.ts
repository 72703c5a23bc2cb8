// What observe() gathers and decide() reads: the build's children as the informer caches hold them, and
// the parts of their status the apiserver (kubelet, Job controller, KubeVirt) writes that decide() looks at.
import type { KubeObject, ResourceRef, ObjectMeta } from "../../runtime/index.js";
import type { InstallLog } from "./install-log.js";
import type { VirtualMachineInstanceStatus } from "../../k8s/kubevirt.js";

/** A direct child of a build, with the resource it is of. */
export interface OwnedChild {
  ref: ResourceRef;
  object: KubeObject;
}

/** Everything decide() looks at: the build's children as the informer caches hold them. */
export interface Snapshot {
  isoPvc?: KubeObject;
  /** Size of the source ISO (HEAD of its URL), looked up only while there is no ISO PVC. */
  isoSizeBytes?: number;
  prepareJob?: ObservedJob;
  /** The prepare Job's Pods, running or finished. */
  preparePods: ObservedPod[];
  targetPvc?: KubeObject;
  vm?: KubeObject;
  /** The VM's instance: only one whose owner is this VM (not a deleted namesake's). */
  vmi?: ObservedVmi;
  /** Last lines of the install VM's serial console, read only once the install failed or timed out. */
  consoleTail?: string[];
  /** The pod runtime's install Job (instead of the VM) and its Pods. */
  installJob?: ObservedJob;
  installPods: ObservedPod[];
  /** What the running install Pod's log says (accelerator, latest progress), read only while it runs. */
  installLog?: InstallLog;
  extractJob?: ObservedJob;
  extractPods: ObservedPod[];
  /**
   * Whether the storage PVC the outputs go to exists; looked up only while the build has no install VM
   * yet or is about to extract (undefined otherwise, and when the outputs go to S3 only).
   */
  storagePvcFound?: boolean;
  /** Objects at a child's name that the build does not own ("Job ns/name"): ignored, and in the way. */
  squatted: string[];
  /** Children of an earlier build key (the spec changed): deleted, or released if shared. */
  stale: OwnedChild[];
}

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ObservedJob extends KubeObject {
  status?: {
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
    conditions?: JobCondition[];
  };
}

export interface ContainerTermination {
  exitCode: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerStatus {
  name: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: ContainerTermination;
  };
}

export interface ObservedPod extends KubeObject {
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface ObservedVmi extends KubeObject {
  status?: VirtualMachineInstanceStatus;
}

/** A child as a builder makes it: the builders' interfaces lack KubeObject's index signature. */
export interface ChildObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export function asKubeObject(child: ChildObject): KubeObject {
  return child as unknown as KubeObject;
}
