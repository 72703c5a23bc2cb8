import type { ContainerTermination, JobCondition, ObservedJob, ObservedPod } from "./observed.js";

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

/** The Job's Pods, told apart from a deleted namesake's by the Job's uid. */
export function podsOf(job: ObservedJob, pods: ObservedPod[]): ObservedPod[] {
  const uid = job.metadata.uid;
  return pods.filter((pod) => uid !== undefined && pod.metadata.labels?.[jobUidLabel] === uid);
}

/** Set by the apiserver on a Job's pod template (and so on its Pods). */
export const jobUidLabel = "batch.kubernetes.io/controller-uid";
export const jobNameLabel = "batch.kubernetes.io/job-name";

/**
 * How the worker container of the most recently finished Pod ended (of those that exited 0, when
 * `successful`), if any did.
 */
export function workerTermination(
  pods: ObservedPod[],
  opts: { successful?: boolean } = {},
): ContainerTermination | undefined {
  const finished = pods
    .map((pod) => pod.status?.containerStatuses?.find((c) => c.name === "worker")?.state?.terminated)
    .filter((t): t is ContainerTermination => t !== undefined && (!opts.successful || t.exitCode === 0));
  return finished.sort((a, b) => (a.finishedAt ?? "").localeCompare(b.finishedAt ?? "")).at(-1);
}
