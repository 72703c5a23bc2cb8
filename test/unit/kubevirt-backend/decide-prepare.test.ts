// decide() up to the install: the shared ISO PVC, prepare Secret and prepare Job.
import { describe } from "node:test";
import {
  condition,
  containerStatus,
  emptySnapshot,
  job,
  object,
  pod,
  prepared,
  runningPod,
} from "./fixtures.js";
import { failure, runTable, type Row } from "./decide-table.js";

const rows: Row[] = [
  {
    name: "nothing yet: the ISO PVC first",
    snap: () => ({ ...emptySnapshot(), isoSizeBytes: 4e9, storagePvcFound: true }),
    state: "running fetch",
    actions: ["create PersistentVolumeClaim rootfs-iso"],
  },
  {
    name: "no storage PVC: wait for it before starting anything",
    snap: () => ({ ...emptySnapshot(), isoSizeBytes: 4e9, storagePvcFound: false }),
    state: "running fetch",
    actions: [],
    message: /Waiting for PersistentVolumeClaim builds\/rootfs-artifacts.*create it/,
  },
  {
    name: "no ISO PVC: create it",
    snap: (f) => ({ ...prepared(f), isoPvc: undefined, prepareJob: undefined, isoSizeBytes: 4e9 }),
    state: "running fetch",
    actions: ["create PersistentVolumeClaim rootfs-iso"],
  },
  {
    name: "an ISO PVC another build made: join its owners",
    snap: (f) => ({
      ...prepared(f),
      isoPvc: object("PersistentVolumeClaim", f.names.isoPvc, [f.other]),
      prepareJob: undefined,
    }),
    state: "running fetch",
    actions: ["addOwner PersistentVolumeClaim rootfs-iso"],
  },
  {
    name: "no prepare Job: its Secret, then the Job",
    snap: (f) => ({ ...prepared(f), prepareJob: undefined }),
    state: "running fetch",
    actions: ["create Secret rootfs-iso-cf82a9293b24-uidrootf", "create Job rootfs-iso"],
  },
  {
    name: "a prepare Job another build made: join its owners",
    snap: (f) => ({ ...prepared(f), prepareJob: job(f.names.prepareJob, [f.other]) }),
    state: "running fetch",
    actions: ["addOwner Job rootfs-iso"],
  },
  {
    name: "the prepare Job runs its fetch container: Fetching, and where the bytes show",
    snap: (f) => {
      const running = job(f.names.prepareJob, [f.shared]);
      return { ...prepared(f), prepareJob: running, preparePods: [runningPod(running, "fetch")] };
    },
    state: "running fetch",
    actions: [],
    message:
      /^Fetching the ISO \(Job rootfs-iso-[0-9a-f]+\); kubectl logs -n builds job\/rootfs-iso-[0-9a-f]+ -c fetch/,
  },
  {
    name: "the prepare Job's fetch is done and its remaster container runs: Remastering",
    snap: (f) => {
      const running = job(f.names.prepareJob, [f.shared]);
      return { ...prepared(f), prepareJob: running, preparePods: [runningPod(running, "worker")] };
    },
    state: "running remaster",
    actions: [],
    message: /^Remastering the ISO/,
  },
  {
    name: "the prepare Job failed in its fetch container: that container's reason",
    snap: (f) => {
      const failedJob = job(f.names.prepareJob, [f.shared], [condition("Failed", 5, "BackoffLimitExceeded")]);
      const fetchFailed = pod(failedJob, { message: failure("DownloadFailed", "GET http://x/x.iso: 404") });
      const status = fetchFailed.status ?? {};
      // The init container failed; the worker container never started.
      status.initContainerStatuses = status.containerStatuses?.map((c) => ({ ...c, name: "fetch" }));
      status.containerStatuses = [containerStatus("worker", { waiting: { reason: "PodInitializing" } })];
      return { ...prepared(f), prepareJob: failedJob, preparePods: [fetchFailed] };
    },
    state: "failed DownloadFailed",
    actions: [],
    message: /^GET http:\/\/x\/x.iso: 404$/,
  },
  {
    name: "the prepare Job failed with the worker's reason",
    snap: (f) => {
      const failedJob = job(f.names.prepareJob, [f.shared], [condition("Failed", 5, "BackoffLimitExceeded")]);
      return {
        ...prepared(f),
        prepareJob: failedJob,
        preparePods: [pod(failedJob, { message: failure("ChecksumMismatch", "expected a, got b") })],
      };
    },
    state: "failed ChecksumMismatch",
    actions: [],
    message: /^expected a, got b$/,
  },
  {
    name: "the prepare Job failed, its Pod not cached yet: wait for it",
    snap: (f) => ({
      ...prepared(f),
      prepareJob: job(f.names.prepareJob, [f.shared], [condition("Failed", 9.5)]),
      preparePods: [],
    }),
    state: "running fetch",
    actions: [],
  },
  {
    name: "the prepare Job failed without a readable reason: DownloadFailed",
    snap: (f) => {
      const failedJob = job(f.names.prepareJob, [f.shared], [condition("Failed", 5, "DeadlineExceeded")]);
      return {
        ...prepared(f),
        prepareJob: failedJob,
        preparePods: [pod(failedJob, { exitCode: 137, reason: "OOMKilled" })],
      };
    },
    state: "failed DownloadFailed",
    actions: [],
    message: /DeadlineExceeded.*code 137 \(OOMKilled\).*kubectl logs/,
  },
  {
    name: "the prepare Job verified another digest than the pinned one: ChecksumMismatch, nothing installed",
    snap: (f) => prepared(f, "0".repeat(64)),
    state: "failed ChecksumMismatch",
    actions: [],
    message: /verified the source as sha256:0{64}, but the build pinned sha256:f{64}/,
  },
  {
    name: "the prepare Job succeeded without a digest: wait for its Pod a while, then DownloadFailed",
    snap: (f) => prepared(f, null),
    state: "failed DownloadFailed",
    actions: [],
    message: /without reporting the source's digest/,
  },
  {
    name: "the ISO's server says it is over sources.maxISOSize: SourceTooLarge before anything is made",
    snap: (f) => ({ ...prepared(f), isoPvc: undefined, prepareJob: undefined, isoSizeBytes: 40 * 2 ** 30 }),
    state: "failed SourceTooLarge",
    actions: [],
    message: /42949672960 bytes, larger than the 34359738368 bytes this operator accepts/,
  },
  {
    name: "a Job at the prepare Job's name that the builds do not own: in the way, nothing created",
    snap: (f) => ({ ...prepared(f), prepareJob: undefined, squatted: ["Job builds/rootfs-iso"] }),
    state: "running fetch",
    actions: [],
    message: /Job builds\/rootfs-iso has the name of one of this build's children but is not this build's/,
  },
  {
    name: "a prepare Job that failed before this run started: retried",
    snap: (f) => ({
      ...prepared(f),
      prepareJob: job(f.names.prepareJob, [f.shared], [condition("Failed", -30)]),
    }),
    state: "running fetch",
    actions: ["delete Job rootfs-iso"],
  },
];

describe("decide(): before the install", () => runTable(rows));
