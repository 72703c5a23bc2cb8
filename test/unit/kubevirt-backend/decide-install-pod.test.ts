// decide() with installRuntime pod: an install Job instead of the VM, and what its worker reports.
import { describe } from "node:test";
import { installTimeoutAnnotation } from "../../../src/controller/kubevirt-backend/index.js";
import type { ObservedPod } from "../../../src/controller/kubevirt-backend/snapshot.js";
import type { KubeObject } from "../../../src/runtime/index.js";
import { failure, runTable, type Row } from "./decide-table.js";
import { at, condition, job, object, pod, prepared, type Fixture } from "./fixtures.js";

/** The target disk exists and the install Job has `conditions` (none: it runs). */
function installingInPod(
  f: Fixture,
  conditions = [] as ReturnType<typeof condition>[],
  pods: ObservedPod[] = [],
) {
  return {
    ...prepared(f),
    targetPvc: object("PersistentVolumeClaim", f.names.targetDiskPvc, [f.own]),
    installJob: job(f.names.installJob, [f.own], conditions),
    installPods: pods,
  };
}

const installPod = (f: Fixture, terminated: Parameters<typeof pod>[1]) =>
  pod(job(f.names.installJob, [f.own]), terminated);

const rows: Row[] = [
  {
    name: "the ISO is ready: the target disk first, as for a VM",
    snap: prepared,
    state: "running install",
    actions: ["create PersistentVolumeClaim table-disk"],
  },
  {
    name: "the target disk exists: the answer Secret it owns, then the install Job (no VM)",
    snap: (f) => ({ ...installingInPod(f), installJob: undefined }),
    state: "running install",
    actions: ["create Secret table-answer-uidtable", "create Job table-install"],
    message: /Created the install Job/,
  },
  {
    name: "the install Pod runs: its accelerator and latest progress line, with the percentage",
    snap: (f) => ({
      ...installingInPod(f),
      installLog: {
        accel: "TCG (KVM unavailable: no /dev/kvm)",
        percent: 47,
        text: "Installing bash (7/14)",
      },
    }),
    state: "running install",
    actions: [],
    message:
      /^Installing in a Pod of Job table-install-\w+ with TCG \(KVM unavailable: no \/dev\/kvm\): Installing bash \(7\/14\); times out after 1h$/,
  },
  {
    // As the real kubelet and Job controller showed it: the Pod succeeded, the Job is not Complete yet.
    name: "the install Pod succeeded before its Job is marked Complete: waiting for the Job",
    snap: (f) => {
      const ended: ObservedPod = {
        ...object("Pod", `${f.names.installJob}-x`, []),
        status: { phase: "Succeeded" },
      };
      return installingInPod(f, [], [ended]);
    },
    state: "running install",
    actions: [],
    message: /: the installer powered off, waiting for the Job to complete; times out after/,
  },
  {
    name: "the install Pod cannot start: the scheduler's reason",
    snap: (f) => {
      const unschedulable: ObservedPod = {
        ...object("Pod", `${f.names.installJob}-x`, []),
        status: {
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message: "0/1 nodes are available: 1 Insufficient devices.kubevirt.io/kvm.",
            },
          ],
        },
      };
      return installingInPod(f, [], [unschedulable]);
    },
    state: "running install",
    actions: [],
    message: /\(Unschedulable: 0\/1 nodes are available: 1 Insufficient devices\.kubevirt\.io\/kvm\.\)/,
  },
  {
    name: "the installer powered off: create the extract Job",
    snap: (f) => installingInPod(f, [condition("Complete", 6)]),
    state: "running extract",
    actions: ["create Job table-extract"],
  },
  {
    name: "the installer powered off but the storage PVC went away: wait for it",
    snap: (f) => ({ ...installingInPod(f, [condition("Complete", 6)]), storagePvcFound: false }),
    state: "running extract",
    actions: [],
    message: /Waiting for PersistentVolumeClaim/,
  },
  {
    name: "the worker saw a failure signature: InstallFailed with its console lines; the Job stays",
    snap: (f) =>
      installingInPod(
        f,
        [condition("Failed", 6)],
        [
          installPod(f, {
            message: failure(
              "InstallFailed",
              "Installer failed: a traceback\nTraceback (most recent call last):",
            ),
          }),
        ],
      ),
    state: "failed InstallFailed",
    actions: [],
    message: /^Installer failed: a traceback\nTraceback/,
  },
  {
    name: "the worker stopped a hung installer: InstallTimeout with the console tail; marked, Job deleted",
    snap: (f) =>
      installingInPod(
        f,
        [condition("Failed", 6)],
        [
          installPod(f, {
            message: failure(
              "InstallTimeout",
              "The install ran longer than 1h; the last console lines were:\nRunning post-installation scripts",
            ),
          }),
        ],
      ),
    state: "failed InstallTimeout",
    actions: ["markInstallTimedOut PersistentVolumeClaim table-disk", "delete Job table-install"],
    message: /Running post-installation scripts$/,
  },
  {
    name: "the Job passed its deadline without a word from the worker: InstallTimeout; marked, Job deleted",
    snap: (f) => installingInPod(f, [condition("Failed", 75, "DeadlineExceeded")]),
    now: 76,
    state: "failed InstallTimeout",
    actions: ["markInstallTimedOut PersistentVolumeClaim table-disk", "delete Job table-install"],
    message: /ran past its deadline \(spec\.install\.timeout 1h plus 600 s\)/,
  },
  {
    name: "the Pod failed without a result (OOM): InstallFailed with how it ended",
    snap: (f) =>
      installingInPod(
        f,
        [condition("Failed", 6, "BackoffLimitExceeded")],
        [installPod(f, { exitCode: 137, reason: "OOMKilled" })],
      ),
    state: "failed InstallFailed",
    actions: [],
    message: /exited with code 137 \(OOMKilled\)/,
  },
  {
    name: "a timed-out install stays failed once its Job is gone, and no new Job is made",
    snap: (f) => {
      const snap = installingInPod(f);
      snap.targetPvc.metadata.annotations = {
        [installTimeoutAnnotation]: "The install ran longer than 1h",
      };
      return { ...snap, installJob: undefined };
    },
    state: "failed InstallTimeout",
    actions: [],
    message: /^The install ran longer than 1h$/,
  },
  {
    name: "the install Job is being deleted: wait for it",
    snap: (f) => {
      const snap = installingInPod(f);
      (snap.installJob as KubeObject).metadata.deletionTimestamp = at(9);
      return snap;
    },
    state: "running install",
    actions: [],
    message: /Waiting for the install Job table-install-\w+ to go/,
  },
];

describe("decide() with install Pods (installRuntime pod)", () => runTable(rows, { installRuntime: "pod" }));
