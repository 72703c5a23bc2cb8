// The parts of the children's status the backend reads, as the apiserver (kubelet, Job controller,
// KubeVirt) writes them. Only what decide() looks at is typed.
import type { VirtualMachineInstanceStatus } from "../../k8s/kubevirt.js";
import type { KubeObject, ObjectMeta } from "../../runtime/index.js";

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
