// Snapshots for decide(): a build context from the manifest fixtures plus children as the caches hold
// them, each made from a base and modifiers.
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { decide, type Decision, type Snapshot } from "../../../src/controller/kubevirt-backend/index.js";
import type {
  ContainerTermination,
  JobCondition,
  ObservedJob,
  ObservedPod,
  ObservedVmi,
} from "../../../src/controller/kubevirt-backend/snapshot.js";
import {
  allChildNames,
  ownerReference,
  resolveStorage,
  sharedOwnerReference,
  type BuildChildren,
  type BuildContext,
} from "../../../src/controller/builders/index.js";
import type { KubeObject, OwnerReference } from "../../../src/runtime/index.js";
import { buildNamed, contextFor, namespace } from "../controller-builders/fixtures.js";

export const runStart = "2026-03-01T10:00:00Z";
export const at = (minutes: number): string =>
  new Date(Date.parse(runStart) + minutes * 60_000).toISOString().replace(/\.\d+Z$/, "Z");

export interface Fixture {
  ctx: BuildContext;
  names: BuildChildren;
  own: OwnerReference;
  shared: OwnerReference;
  other: OwnerReference;
}

export async function fixture(...mods: ((b: RootfsBuild) => void)[]): Promise<Fixture> {
  const build = buildNamed("table");
  build.status = { startTime: runStart };
  build.spec.install.timeout = "1h";
  for (const mod of mods) mod(build);
  const ctx = await contextFor(build);
  const other = sharedOwnerReference({
    ...build,
    metadata: { ...build.metadata, name: "peer", uid: "peer-uid" },
  });
  return {
    ctx,
    names: allChildNames(ctx),
    own: ownerReference(build),
    shared: sharedOwnerReference(build),
    other,
  };
}

export function object(kind: string, name: string, owners: OwnerReference[], created = at(0)): KubeObject {
  return {
    apiVersion: kind === "VirtualMachine" ? "kubevirt.io/v1" : kind === "Job" ? "batch/v1" : "v1",
    kind,
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      resourceVersion: "7",
      creationTimestamp: created,
      ownerReferences: owners,
    },
  };
}

export const condition = (type: string, minutes: number, reason?: string): JobCondition => ({
  type,
  status: "True",
  lastTransitionTime: at(minutes),
  ...(reason && { reason }),
});

export function job(name: string, owners: OwnerReference[], conditions: JobCondition[] = []): ObservedJob {
  const complete = conditions.find((c) => c.type === "Complete");
  return {
    ...object("Job", name, owners),
    status: {
      startTime: at(0),
      active: conditions.length ? 0 : 1,
      conditions,
      ...(complete && { completionTime: complete.lastTransitionTime }),
    },
  };
}

export function pod(forJob: ObservedJob, terminated: Partial<ContainerTermination>): ObservedPod {
  return {
    ...object("Pod", `${forJob.metadata.name}-x`, []),
    status: {
      phase: terminated.exitCode === 0 ? "Succeeded" : "Failed",
      containerStatuses: [
        { name: "worker", state: { terminated: { exitCode: 1, finishedAt: at(5), ...terminated } } },
      ],
    },
  };
}

/** A Pod of `forJob` whose `container` runs, after the fetch init container succeeded if it is the worker. */
export function runningPod(forJob: ObservedJob, container: "fetch" | "worker"): ObservedPod {
  const fetchDone = { name: "fetch", state: { terminated: { exitCode: 0, finishedAt: at(2) } } };
  return {
    ...object("Pod", `${forJob.metadata.name}-x`, []),
    status: {
      phase: container === "fetch" ? "Pending" : "Running",
      initContainerStatuses:
        container === "fetch" ? [{ name: "fetch", state: { running: { startedAt: at(1) } } }] : [fetchDone],
      containerStatuses: [
        {
          name: "worker",
          state:
            container === "fetch"
              ? { waiting: { reason: "PodInitializing" } }
              : { running: { startedAt: at(2) } },
        },
      ],
    },
  };
}

export function vmi(vm: KubeObject, phase: string): ObservedVmi {
  return {
    ...object("VirtualMachineInstance", vm.metadata.name, []),
    status: { phase, phaseTransitionTimestamps: [{ phase, phaseTransitionTimestamp: at(30) }] },
  };
}

/** decide() at `time`, publishing where the fixture's build says. */
export function decideFor(f: Fixture, snap: Snapshot, time: string): Decision {
  return decide(f.ctx, resolveStorage(f.ctx.build, f.ctx.config), snap, new Date(time));
}

export const emptySnapshot = (): Snapshot => ({
  preparePods: [],
  installPods: [],
  extractPods: [],
  stale: [],
  squatted: [],
});

/** The prepare Job's finished Pod, whose fetch container verified the source as `sourceSHA256`. */
export function preparePod(forJob: ObservedJob, sourceSHA256: string | undefined): ObservedPod {
  const ended = (message: string) => ({ exitCode: 0, finishedAt: at(3), message });
  return {
    ...object("Pod", `${forJob.metadata.name}-p`, []),
    status: {
      phase: "Succeeded",
      initContainerStatuses: [
        { name: "fetch", state: { terminated: ended(JSON.stringify(sourceSHA256 ? { sourceSHA256 } : {})) } },
      ],
      containerStatuses: [{ name: "worker", state: { terminated: ended("{}") } }],
    },
  };
}

/** The children as they are once the prepare Job succeeded, ready for the install. */
/** `fetchedSHA256` null: the fetch container reported no digest. */
export function prepared(f: Fixture, fetchedSHA256: string | null = f.ctx.sourceSHA256): Snapshot {
  const prepareJob = job(f.names.prepareJob, [f.other, f.shared], [condition("Complete", 3)]);
  return {
    ...emptySnapshot(),
    isoPvc: object("PersistentVolumeClaim", f.names.isoPvc, [f.other, f.shared]),
    prepareJob,
    preparePods: [preparePod(prepareJob, fetchedSHA256 ?? undefined)],
  };
}

/** …then the install VM runs. */
export function installing(f: Fixture, vmCreated = at(4)): Snapshot {
  return {
    ...prepared(f),
    targetPvc: object("PersistentVolumeClaim", f.names.targetDiskPvc, [f.own]),
    vm: object("VirtualMachine", f.names.installVm, [f.own], vmCreated),
  };
}

/** …then the extract Job runs. */
export function extracting(f: Fixture, conditions: JobCondition[] = []): Snapshot {
  const snap = installing(f);
  return {
    ...snap,
    vmi: vmi(snap.vm as KubeObject, "Succeeded"),
    extractJob: job(f.names.extractJob, [f.own], conditions),
  };
}

export const extractResult = {
  artifacts: [{ kind: "cgz", location: "os/rootfs.cgz", size: 1234, sha256: "c".repeat(64) }],
  kernelVersion: "6.6.0-test",
  packageCount: 321,
};
