// The test plays the parts no process plays in this control plane: the Job controller and kubelet (a Pod
// per finished Job, with the worker's termination message) and KubeVirt (a VMI per VM).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import {
  virtualMachineRef,
  virtualMachineInstanceRef,
} from "../../../src/controller/kubevirt-backend/index.js";
import type { Job } from "../../../src/controller/manifests/index.js";
import { coreRefs, type KubeObject, type ResourceRef } from "../../../src/runtime/index.js";
import { eventually } from "../../helpers/eventually.js";
import { namespace, type Env } from "./env.js";

/** Each kind of child, by the rootfs.dev/step label its builder sets. */
export const children = {
  answer: coreRefs.secret,
  iso: coreRefs.pvc,
  prepare: coreRefs.job,
  disk: coreRefs.pvc,
  install: virtualMachineRef,
  extract: coreRefs.job,
} satisfies Record<string, ResourceRef>;
export type Step = keyof typeof children;

/** The build's children of one step: those whose owners include the build. */
export async function childrenOf(env: Env, build: RootfsBuild, step: Step): Promise<KubeObject[]> {
  const { items } = await env.client.list(children[step], {
    namespace,
    labelSelector: `rootfs.dev/step=${step}`,
  });
  return items.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === build.metadata.uid));
}

/** Waits until the build has exactly one child of `step`, and returns it. */
export async function childOf<T extends KubeObject = KubeObject>(
  env: Env,
  build: RootfsBuild,
  step: Step,
): Promise<T> {
  const found = await eventually(
    () => childrenOf(env, build, step),
    (items) => items.length > 0,
  );
  assert.equal(found.length, 1, `${build.metadata.name} has ${found.length} ${step} children`);
  return found[0] as T;
}

export type WorkerExit = { exitCode: number; message?: string };

/**
 * Finishes a worker Job as the Job controller and kubelet would: a Pod from the Job's template (so Pod
 * Security admission checks what the operator built) whose worker container terminated, then the Job's status.
 */
export async function finishJob(env: Env, job: KubeObject, exit: WorkerExit): Promise<void> {
  const stored = (await env.client.get(coreRefs.job, job.metadata.name, namespace)) as unknown as Job &
    KubeObject;
  const template = stored.spec.template;
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const pod = await env.client.create(coreRefs.pod, {
    metadata: {
      name: `${stored.metadata.name}-${randomBytes(3).toString("hex")}`,
      namespace,
      labels: template.metadata.labels,
      ownerReferences: [
        {
          apiVersion: "batch/v1",
          kind: "Job",
          name: stored.metadata.name,
          uid: stored.metadata.uid ?? "",
          controller: true,
        },
      ],
    },
    spec: template.spec,
  });
  const container = template.spec.containers[0];
  assert.ok(container);
  const terminated = {
    exitCode: exit.exitCode,
    reason: exit.exitCode === 0 ? "Completed" : "Error",
    startedAt: now,
    finishedAt: now,
    ...(exit.message !== undefined && { message: exit.message }),
  };
  await env.client.replace(
    coreRefs.pod,
    {
      ...pod,
      status: {
        phase: exit.exitCode === 0 ? "Succeeded" : "Failed",
        containerStatuses: [
          {
            name: container.name,
            image: container.image,
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated },
          },
        ],
      },
    },
    { subresource: "status" },
  );
  const condition = (type: string, reason: string) => ({
    type,
    status: "True",
    reason,
    message: reason,
    lastProbeTime: now,
    lastTransitionTime: now,
  });
  const status =
    exit.exitCode === 0
      ? {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [
            condition("SuccessCriteriaMet", "CompletionsReached"),
            condition("Complete", "CompletionsReached"),
          ],
        }
      : {
          startTime: now,
          failed: 1,
          conditions: [
            condition("FailureTarget", "BackoffLimitExceeded"),
            condition("Failed", "BackoffLimitExceeded"),
          ],
        };
  await env.client.replace(
    coreRefs.job,
    { ...stored, status },
    {
      subresource: "status",
    },
  );
}

/** Plays KubeVirt: the VM's instance, from its template, in `phase`. */
export async function finishVm(env: Env, vm: KubeObject, phase: "Succeeded" | "Failed"): Promise<void> {
  const stored = await env.client.get(virtualMachineRef, vm.metadata.name, namespace);
  assert.ok(stored, `VM ${vm.metadata.name} is gone`);
  const template = (
    stored.spec as { template: { metadata: { labels: Record<string, string> }; spec: unknown } }
  ).template;
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await env.client.create(virtualMachineInstanceRef, {
    metadata: {
      name: stored.metadata.name,
      namespace,
      labels: template.metadata.labels,
      ownerReferences: [
        {
          apiVersion: "kubevirt.io/v1",
          kind: "VirtualMachine",
          name: stored.metadata.name,
          uid: stored.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec,
    status: {
      phase,
      phaseTransitionTimestamps: [{ phase, phaseTransitionTimestamp: now }],
      ...(phase === "Failed" && { reason: "GuestCrashed" }),
    },
  });
}

/** Gone, or on its way (no garbage collector or PVC-protection controller runs here). */
export async function goneOrGoing(env: Env, ref: ResourceRef, object: KubeObject): Promise<boolean> {
  const now = await env.client.get(ref, object.metadata.name, namespace);
  return (
    now === undefined ||
    now.metadata.uid !== object.metadata.uid ||
    now.metadata.deletionTimestamp !== undefined
  );
}

/** What the worker writes when it succeeds or fails (src/controller/kubevirt-backend/worker-results.ts). */
export const workerFailure = (reason: string, message: string): WorkerExit => ({
  exitCode: 1,
  message: JSON.stringify({ reason, message }),
});
export const prepareSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({ volumeId: "openEuler-24.03-LTS-x86_64" }),
};
/** The extract result: PVC locations relative to the worker's --out, storage left to the backend. */
export const extractSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    artifacts: [
      { kind: "cgz", location: "rootfs.cgz", size: 300_000_000, sha256: "c".repeat(64) },
      { kind: "kernel", location: "vmlinuz", size: 12_000_000, sha256: "d".repeat(64) },
    ],
    kernelVersion: "6.6.0-28.0.0.34.oe2403.x86_64",
    packageCount: 412,
  }),
};
