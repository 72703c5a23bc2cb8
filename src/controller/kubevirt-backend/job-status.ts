import { controlledBy } from "./ownership.js";
import type {
  ContainerStatus,
  ContainerTermination,
  JobCondition,
  ObservedJob,
  ObservedPod,
} from "./snapshot.js";

export type JobOutcome =
  | { phase: "running"; active: boolean }
  | { phase: "succeeded"; at?: string }
  | { phase: "failed"; at?: string; condition: JobCondition };

/** Where a Job is, from the conditions the Job controller sets (the *Target ones come first). */
export function jobOutcome(job: ObservedJob): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const isTrue = (type: string) => conditions.find((c) => c.type === type && c.status === "True");
  const failed = isTrue("Failed") ?? isTrue("FailureTarget");
  if (failed) return { phase: "failed", at: failed.lastTransitionTime, condition: failed };
  const complete = isTrue("Complete") ?? isTrue("SuccessCriteriaMet");
  if (complete) return { phase: "succeeded", at: job.status?.completionTime ?? complete.lastTransitionTime };
  return { phase: "running", active: (job.status?.active ?? 0) > 0 };
}

/**
 * The Job's Pods: found by the Job's uid label, counted only when in its namespace and controlled by
 * it (a deleted namesake's Pods, or a Pod anyone labelled so, are not).
 */
export function podsOf(job: ObservedJob, pods: ObservedPod[]): ObservedPod[] {
  const uid = job.metadata.uid;
  return pods.filter(
    (pod) =>
      uid !== undefined &&
      pod.metadata.labels?.[jobUidLabel] === uid &&
      controlledBy(pod, { kind: "Job", uid, namespace: job.metadata.namespace }),
  );
}

/** Set by the apiserver on a Job's pod template (and so on its Pods). */
export const jobUidLabel = "batch.kubernetes.io/controller-uid";
export const jobNameLabel = "batch.kubernetes.io/job-name";

/**
 * How `container` (init or not) of the most recently finished Pod ended (of those that exited 0, when
 * `successful`), if any did.
 */
export function containerTermination(
  pods: ObservedPod[],
  container: string,
  opts: { successful?: boolean } = {},
): ContainerTermination | undefined {
  return latest(
    pods
      .map((pod) => statusesOf(pod).find((c) => c.name === container)?.state?.terminated)
      .filter((t): t is ContainerTermination => t !== undefined && (!opts.successful || t.exitCode === 0)),
  );
}

/** How the failed Pods' failing containers ended, the latest first; else how any container last ended. */
export function failureTermination(pods: ObservedPod[]): ContainerTermination | undefined {
  const ended = pods.flatMap((pod) =>
    statusesOf(pod).flatMap((c) => (c.state?.terminated ? [c.state.terminated] : [])),
  );
  return latest(ended.filter((t) => t.exitCode !== 0)) ?? latest(ended);
}

/** Whether a Pod has begun `container` (an init container before it finished successfully). */
export function containerStarted(pod: ObservedPod, container: string): boolean {
  const state = statusesOf(pod).find((c) => c.name === container)?.state;
  return state?.running !== undefined || state?.terminated !== undefined;
}

/** Waiting reasons that are only a Pod starting. */
const starting = new Set(["ContainerCreating", "PodInitializing"]);

/**
 * Why a Pod that has not finished does not run, as the scheduler or kubelet says it (Unschedulable,
 * ErrImageNeverPull, CreateContainerConfigError, …), or undefined.
 */
export function podWaiting(pod: ObservedPod): string | undefined {
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) return [unscheduled.reason, unscheduled.message].filter(Boolean).join(": ").slice(0, 300);
  const waiting = statusesOf(pod)
    .map((c) => c.state?.waiting)
    .find((w) => w?.reason !== undefined && !starting.has(w.reason));
  return waiting ? [waiting.reason, waiting.message].filter(Boolean).join(": ").slice(0, 300) : undefined;
}

function statusesOf(pod: ObservedPod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function latest(terminations: ContainerTermination[]): ContainerTermination | undefined {
  return terminations.sort((a, b) => (a.finishedAt ?? "").localeCompare(b.finishedAt ?? "")).at(-1);
}
