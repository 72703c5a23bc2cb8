// Plays the Job controller and kubelet for one worker Job: its finished Pod, then the Job's status.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { WorkerJob } from "../../../../src/controller/builders/index.js";
import { coreRefs, type KubeObject } from "../../../../src/runtime/index.js";
import { namespace, restrictedNamespace, type Env } from "../env.js";
import { assertSecretsExist, pinnedDigestReport } from "./config-secrets.js";
import type { WorkerExit } from "./worker-reports.js";

/**
 * Finishes a worker Job as the Job controller and kubelet would: a Pod from the Job's template (so Pod
 * Security admission checks what the operator built) whose worker container terminated, then the Job's
 * status. Every worker Pod must pass "restricted" but the extract Pod that writes an nfsroot tree, which
 * runs as root with a few capabilities and must pass "baseline" (the builds namespace enforces that).
 */
export async function finishJob(
  env: Env,
  job: KubeObject,
  exit: WorkerExit,
  /** What the prepare Pod's fetch container reports; by default the digest its prepare.json pins. */
  fetchMessage?: string,
): Promise<void> {
  const stored = (await env.client.get(coreRefs.job, job.metadata.name, namespace)) as unknown as WorkerJob &
    KubeObject;
  const template = stored.spec.template;
  await assertSecretsExist(env, template.spec.volumes, `Job ${stored.metadata.name}`);
  const writesTree = template.spec.containers.some((c) => c.securityContext.runAsUser === 0);
  const isTreeExtract = stored.metadata.labels?.["rootfs.dev/step"] === "extract" && writesTree;
  assert.equal(writesTree, isTreeExtract, `Job ${stored.metadata.name} runs as root`);
  if (!writesTree) {
    const probe = {
      metadata: { name: stored.metadata.name, namespace: restrictedNamespace },
      spec: template.spec,
    };
    await env.client.create(coreRefs.pod, probe, { dryRun: true });
  }
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
          // As the Job controller sets it (metav1.NewControllerRef): the operator counts no Pod without.
          controller: true,
          blockOwnerDeletion: true,
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
  const statusOf = (c: { name: string; image: string }, state: Record<string, unknown>) => ({
    name: c.name,
    image: c.image,
    imageID: "",
    ready: false,
    restartCount: 0,
    state,
  });
  // An init container (the prepare Job's fetch) ends first; when it fails, it is the one that failed.
  const init = template.spec.initContainers?.[0];
  const fetched = init && (fetchMessage ?? (await pinnedDigestReport(env, template.spec.volumes)));
  const initFailed = init !== undefined && exit.exitCode !== 0 && exit.failed !== "main";
  const initStatuses = init
    ? [
        statusOf(
          init,
          initFailed
            ? { terminated }
            : {
                terminated: {
                  exitCode: 0,
                  reason: "Completed",
                  startedAt: now,
                  finishedAt: now,
                  message: fetched ?? "{}",
                },
              },
        ),
      ]
    : undefined;
  await env.client.replace(
    coreRefs.pod,
    {
      ...pod,
      status: {
        phase: exit.exitCode === 0 ? "Succeeded" : "Failed",
        ...(initStatuses && { initContainerStatuses: initStatuses }),
        containerStatuses: [
          statusOf(container, initFailed ? { waiting: { reason: "PodInitializing" } } : { terminated }),
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
