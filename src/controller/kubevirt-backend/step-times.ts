import type { RootfsBuildStatus } from "../../api/rootfsbuild.js";
import type { ObservedJob } from "./observed.js";
import type { Snapshot } from "./snapshot.js";
import type { ExtractResult, PrepareResult } from "./worker-results.js";

export type StepTimes = NonNullable<RootfsBuildStatus["steps"]>;

/**
 * When each step ran: the worker's own times when it reported them (fetch and remaster share the prepare
 * Job), else the Jobs' times; the install from the VM's creation to its instance's success.
 */
export function stepTimes(
  snapshot: Snapshot,
  results: { prepare?: PrepareResult; extract?: ExtractResult },
): StepTimes {
  const install = snapshot.vm && {
    name: "install" as const,
    startTime: snapshot.vm.metadata.creationTimestamp,
    completionTime: snapshot.vmi?.status?.phaseTransitionTimestamps?.find((t) => t.phase === "Succeeded")
      ?.phaseTransitionTimestamp,
  };
  return [
    ...(results.prepare?.steps ?? jobStep("fetch", snapshot.prepareJob)),
    ...(install ? [install] : []),
    ...(results.extract?.steps ?? jobStep("extract", snapshot.extractJob)),
  ];
}

function jobStep(name: "fetch" | "extract", job: ObservedJob | undefined): StepTimes {
  const startTime = job?.status?.startTime;
  return startTime ? [{ name, startTime, completionTime: job.status?.completionTime }] : [];
}
