// Plays the Job controller, kubelet and KubeVirt in the background for every child the operator makes.
import { setTimeout as sleep } from "node:timers/promises";
import { jobOutcome } from "../../../../src/controller/kubevirt-backend/job-status.js";
import type { ObservedJob } from "../../../../src/controller/kubevirt-backend/snapshot.js";
import { Informer, type KubeObject, type ResourceRef } from "../../../../src/runtime/index.js";
import { namespace, type Env } from "../env.js";
import { children, goneOrGoing } from "./children.js";
import { finishJob } from "./finish-job.js";
import { finishVm } from "./finish-vm.js";
import { extractSucceeded, installSucceeded, prepareSucceeded, type WorkerExit } from "./worker-reports.js";

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
