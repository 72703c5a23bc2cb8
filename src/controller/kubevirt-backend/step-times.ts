import type { RootfsBuildStatus } from "../../api/rootfsbuild.js";
import type { Snapshot, ObservedJob } from "./snapshot.js";

export type StepTimes = NonNullable<RootfsBuildStatus["steps"]>;

/**
 * When each step ran: the worker's own times when it reported them (fetch and remaster, the prepare
 * Job's two containers), else the Jobs' times; the install from the VM's creation to its instance's
 * success, or the install Job's times (pod runtime).
 */
export function stepTimes(
  snapshot: Snapshot,
  reported: { prepare?: StepTimes; extract?: StepTimes },
): StepTimes {
  const install = snapshot.vm && {
    name: "install" as const,
    startTime: snapshot.vm.metadata.creationTimestamp,
    completionTime: snapshot.vmi?.status?.phaseTransitionTimestamps?.find((t) => t.phase === "Succeeded")
      ?.phaseTransitionTimestamp,
  };
  return [
    ...(reported.prepare?.length ? reported.prepare : jobStep("fetch", snapshot.prepareJob)),
    ...(install ? [install] : jobStep("install", snapshot.installJob)),
    ...(reported.extract?.length ? reported.extract : jobStep("extract", snapshot.extractJob)),
  ];
}

function jobStep(name: "fetch" | "install" | "extract", job: ObservedJob | undefined): StepTimes {
  const startTime = job?.status?.startTime;
  return startTime ? [{ name, startTime, completionTime: job.status?.completionTime }] : [];
}
