// The test plays the parts no process plays in this control plane: the Job controller and kubelet (a Pod
// per finished Job, with the worker's termination message) and KubeVirt (a VMI per VM).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import {
  virtualMachineRef,
  virtualMachineInstanceRef,
} from "../../../src/controller/kubevirt-backend/index.js";
import { jobOutcome } from "../../../src/controller/kubevirt-backend/job-status.js";
import type { ObservedJob } from "../../../src/controller/kubevirt-backend/snapshot.js";
import type { Job } from "../../../src/controller/builders/index.js";
import { coreRefs, Informer, type KubeObject, type ResourceRef } from "../../../src/runtime/index.js";
import { eventually } from "../../helpers/eventually.js";
import { namespace, restrictedNamespace, type Env } from "./env.js";

/**
 * Each kind of child, by the rootfs.dev/step label its builder sets (prepareSecret: "prepare";
 * installJob, the pod runtime's install: "install").
 */
export const children = {
  answer: coreRefs.secret,
  iso: coreRefs.pvc,
  prepare: coreRefs.job,
  prepareSecret: coreRefs.secret,
  disk: coreRefs.pvc,
  install: virtualMachineRef,
  installJob: coreRefs.job,
  extract: coreRefs.job,
} satisfies Record<string, ResourceRef>;
export type Step = keyof typeof children;
const stepLabel: Partial<Record<Step, string>> = { prepareSecret: "prepare", installJob: "install" };

/** The Secrets belong to the build through the PVC that owns each (they go with it). */
const ownedThrough: Partial<Record<Step, Step>> = { answer: "disk", prepareSecret: "iso" };

/** The build's children of one step: those whose owners include the build (or its PVC, for Secrets). */
export async function childrenOf(env: Env, build: RootfsBuild, step: Step): Promise<KubeObject[]> {
  const { items } = await env.client.list(children[step], {
    namespace,
    labelSelector: `rootfs.dev/step=${stepLabel[step] ?? step}`,
  });
  const via = ownedThrough[step];
  const owners = via
    ? new Set((await childrenOf(env, build, via)).map((o) => o.metadata.uid))
    : new Set([build.metadata.uid]);
  return items.filter((o) => o.metadata.ownerReferences?.some((r) => owners.has(r.uid)));
}

/** The build's children of every step. */
export async function allChildrenOf(env: Env, build: RootfsBuild): Promise<Record<Step, KubeObject[]>> {
  const steps = Object.keys(children) as Step[];
  const found = await Promise.all(steps.map((step) => childrenOf(env, build, step)));
  return Object.fromEntries(steps.map((step, i) => [step, found[i] ?? []])) as Record<Step, KubeObject[]>;
}

/** How many children of each step there are. */
export function countsOf(found: Record<Step, KubeObject[]>): Record<Step, number> {
  return Object.fromEntries(Object.entries(found).map(([step, list]) => [step, list.length])) as Record<
    Step,
    number
  >;
}

/** A build's children once every step ran: one of each, the install a VM or (pod runtime) a Job. */
export function oneOfEach(installRuntime: "kubevirt" | "pod" = "kubevirt"): Record<Step, number> {
  const counts = Object.fromEntries(Object.keys(children).map((step) => [step, 1])) as Record<Step, number>;
  return { ...counts, [installRuntime === "pod" ? "install" : "installJob"]: 0 };
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

/** How a worker Job's Pod ended; a failure is the init container's (the prepare Job's fetch) unless `failed: "main"`. */
export type WorkerExit = { exitCode: number; message?: string; failed?: "init" | "main" };

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
  const stored = (await env.client.get(coreRefs.job, job.metadata.name, namespace)) as unknown as Job &
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

/** Plays KubeVirt: the VM's instance, from its template, in `phase`. */
export async function finishVm(env: Env, vm: KubeObject, phase: "Succeeded" | "Failed"): Promise<void> {
  const stored = await env.client.get(virtualMachineRef, vm.metadata.name, namespace);
  const template = (
    stored.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { volumes?: SecretVolume[] } };
    }
  ).template;
  await assertSecretsExist(env, template.spec.volumes, `VM ${stored.metadata.name}`);
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

export type SecretVolume = { name: string; secret?: { secretName: string } };

/** The files of the Secret a worker Job mounts at /config, as the kubelet would write them. */
export async function configFilesOf(
  env: Env,
  volumes: SecretVolume[] | undefined,
): Promise<Record<string, Buffer>> {
  const secretName = volumes?.find((v) => v.name === "config")?.secret?.secretName ?? "";
  const secret = await env.client.get<KubeObject & { data?: Record<string, string> }>(
    coreRefs.secret,
    secretName,
    namespace,
  );
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
}

/** What a worker that verified its download reports: the digest its prepare.json pinned. */
async function pinnedDigestReport(env: Env, volumes: SecretVolume[] | undefined): Promise<string> {
  const files = await configFilesOf(env, volumes);
  const prepare = JSON.parse(files["prepare.json"]?.toString() ?? "") as {
    source: { iso: { checksum?: string } };
  };
  const sourceSHA256 = prepare.source.iso.checksum?.replace(/^sha256:/, "");
  // What `rootfs worker fetch` writes, as the real kubelet showed it: the digest and the step's times.
  const steps = [{ name: "fetch", startTime: workerTime(0), completionTime: workerTime(1) }];
  return JSON.stringify({ ...(sourceSHA256 && { sourceSHA256 }), steps });
}

/** The kubelet (and virt-launcher) would not start a Pod whose Secret volume is missing. */
async function assertSecretsExist(env: Env, volumes: SecretVolume[] | undefined, what: string) {
  for (const name of (volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : []))) {
    assert.ok(
      await env.client.getOrUndefined(coreRefs.secret, name, namespace),
      `${what} mounts Secret ${name}, which is missing`,
    );
  }
}

/**
 * Gone, or on its way (no garbage collector or PVC-protection controller runs here): deleted, being
 * deleted, or depending on an owner that is (the garbage collector takes it next). Owners other than
 * builds are other children in the namespace (the Secrets' PVCs).
 */
export async function goneOrGoing(env: Env, ref: ResourceRef, object: KubeObject): Promise<boolean> {
  const now = await env.client.getOrUndefined(ref, object.metadata.name, namespace);
  if (now === undefined || now.metadata.uid !== object.metadata.uid || now.metadata.deletionTimestamp)
    return true;
  const owner = now.metadata.ownerReferences?.find((o) => o.controller && o.kind === "PersistentVolumeClaim");
  if (!owner) return false;
  return goneOrGoing(env, coreRefs.pvc, { ...now, metadata: { name: owner.name, uid: owner.uid } });
}

/** What the worker writes when it succeeds or fails (src/api/worker-contract.ts). */
export const workerFailure = (reason: string, message: string): WorkerExit => ({
  exitCode: 1,
  message: JSON.stringify({ reason, message }),
});
/** A time a worker reports, `seconds` after the fake workers' common start. */
const workerTime = (seconds: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, seconds)).toISOString();

export const prepareSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    volumeId: "openEuler-24.03-LTS-x86_64",
    steps: [{ name: "remaster", startTime: workerTime(1), completionTime: workerTime(2) }],
  }),
};
/** What `rootfs worker install` writes once the installer powered off. */
export const installSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    accel: "tcg",
    steps: [{ name: "install", startTime: workerTime(2), completionTime: workerTime(3) }],
  }),
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

/** What playCluster() makes each worker Job end with, by its rootfs.dev/step label, and when. */
export interface ClusterScript {
  prepare: WorkerExit;
  /** How the pod runtime's install Jobs end. */
  installJob: WorkerExit;
  /** The prepare Pod's fetch result; by default the digest its configuration pins. */
  fetchMessage?: string;
  extract: WorkerExit;
  install: "Succeeded" | "Failed";
  /** How long each child runs before it finishes (default: it finishes at once). */
  runsFor?: () => number;
}

export interface PlayedCluster {
  /** Children finished so far, as "<kind> <name>". */
  readonly finished: string[];
  /** Errors other than "the child is gone" (a finished Job deleted by the operator meanwhile). */
  readonly errors: unknown[];
  stop(): Promise<void>;
}

/**
 * Plays the Job controller, kubelet and KubeVirt in the background, whatever the operator does (or
 * whether one runs at all): every worker Job gets a finished Pod and status, every install VM a finished
 * instance, once per uid, `runsFor()` after the test sees it.
 */
export async function playCluster(env: Env, script: Partial<ClusterScript> = {}): Promise<PlayedCluster> {
  const {
    prepare = prepareSucceeded,
    installJob = installSucceeded,
    extract = extractSucceeded,
    install = "Succeeded",
  } = script;
  const stop = new AbortController();
  const opts = { namespace, labelSelector: "app.kubernetes.io/managed-by=rootfs-operator" };
  const jobs = new Informer<ObservedJob>(env.client, children.prepare, opts);
  const vms = new Informer(env.client, children.install, opts);
  const seen = new Set<string>();
  const finished: string[] = [];
  const errors: unknown[] = [];
  const running = new Set<Promise<void>>();
  const play = (ref: ResourceRef, object: KubeObject, finish: () => Promise<void>) => {
    const uid = object.metadata.uid ?? "";
    if (seen.has(uid) || object.metadata.deletionTimestamp) return;
    seen.add(uid);
    const run = (async () => {
      await sleep(script.runsFor?.() ?? 0, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) return;
      try {
        await finish();
        finished.push(`${ref.kind} ${object.metadata.name}`);
      } catch (err) {
        // The operator may delete a child while it is being finished; only a live one must finish.
        if (!(await goneOrGoing(env, ref, object))) errors.push(err);
      }
    })();
    running.add(run);
    void run.finally(() => running.delete(run));
  };
  jobs.onChange((job, _key, deleted) => {
    const step = job.metadata.labels?.["rootfs.dev/step"];
    const exit =
      step === "prepare"
        ? prepare
        : step === "install"
          ? installJob
          : step === "extract"
            ? extract
            : undefined;
    if (exit && !deleted && jobOutcome(job).phase === "running")
      play(children.prepare, job, () =>
        finishJob(env, job, exit, step === "prepare" ? script.fetchMessage : undefined),
      );
  });
  vms.onChange((vm, _key, deleted) => {
    if (!deleted) play(children.install, vm, () => finishVm(env, vm, install));
  });
  for (const informer of [jobs, vms]) informer.start(stop.signal);
  await Promise.all([jobs.waitForSync(stop.signal), vms.waitForSync(stop.signal)]);
  return {
    finished,
    errors,
    async stop() {
      stop.abort();
      await Promise.all([jobs.stopped(), vms.stopped(), ...running]);
    },
  };
}
