// decide() from the install on: the VM, its timeout, the extract Job and what a success removes.
import { describe } from "node:test";
import { installTimeoutAnnotation } from "../../../src/controller/kubevirt-backend/index.js";
import type { KubeObject } from "../../../src/runtime/index.js";
import {
  condition,
  emptySnapshot,
  extracting,
  extractResult,
  installing,
  object,
  pod,
  prepared,
  vmi,
} from "./fixtures.js";
import { failure, runTable, type Row } from "./decide-table.js";

const rows: Row[] = [
  {
    name: "the ISO is ready: the target disk first",
    snap: prepared,
    state: "running install",
    actions: ["create PersistentVolumeClaim table-disk"],
  },
  {
    name: "the ISO is ready but the storage PVC is missing: wait, install nothing",
    snap: (f) => ({ ...prepared(f), storagePvcFound: false }),
    state: "running install",
    actions: [],
    message: /Waiting for PersistentVolumeClaim builds\/rootfs-artifacts/,
  },
  {
    name: "the target disk exists: the answer Secret it owns, then the VM",
    snap: (f) => ({ ...installing(f), vm: undefined }),
    state: "running install",
    actions: ["create Secret table-answer-uidtable", "create VirtualMachine table-install"],
  },
  {
    name: "the VM runs: Installing",
    snap: installing,
    state: "running install",
    actions: [],
    message: /times out after 1h/,
  },
  {
    name: "the VMI succeeded: create the extract Job",
    snap: (f) => {
      const snap = installing(f);
      return { ...snap, vmi: vmi(snap.vm as KubeObject, "Succeeded") };
    },
    state: "running extract",
    actions: ["create Job table-extract"],
  },
  {
    name: "the VMI succeeded but the storage PVC went away: wait for it",
    snap: (f) => {
      const snap = installing(f);
      return { ...snap, vmi: vmi(snap.vm as KubeObject, "Succeeded"), storagePvcFound: false };
    },
    state: "running extract",
    actions: [],
    message: /Waiting for PersistentVolumeClaim/,
  },
  {
    name: "the VMI failed: InstallFailed with the reason and the console from the failure on",
    snap: (f) => {
      const snap = installing(f);
      return {
        ...snap,
        vmi: vmi(snap.vm as KubeObject, "Failed"),
        consoleTail: ["Installing bash", "Kernel panic - not syncing: VFS", "end"],
      };
    },
    state: "failed InstallFailed",
    actions: [],
    message: /kernel panicked; the console showed:\nKernel panic - not syncing: VFS\nend$/,
  },
  {
    name: "the VMI failed, no console: InstallFailed with what KubeVirt says",
    snap: (f) => {
      const snap = installing(f);
      return { ...snap, vmi: vmi(snap.vm as KubeObject, "Failed") };
    },
    state: "failed InstallFailed",
    actions: [],
    message: /failed; no console output could be read/,
  },
  {
    name: "the install ran past spec.install.timeout: marked, VM deleted",
    snap: installing,
    now: 65,
    state: "failed InstallTimeout",
    actions: ["markInstallTimedOut PersistentVolumeClaim table-disk", "delete VirtualMachine table-install"],
    message: /longer than 1h \(the VM never started\)/,
  },
  {
    name: "a timed-out install stays failed on later passes",
    snap: (f) => {
      const snap = installing(f);
      const disk = snap.targetPvc as KubeObject;
      disk.metadata.annotations = { [installTimeoutAnnotation]: "The install ran longer than 1h" };
      return { ...snap, vm: undefined };
    },
    now: 70,
    state: "failed InstallTimeout",
    actions: [],
    message: /^The install ran longer than 1h$/,
  },
  {
    name: "the extract Job runs: Extracting",
    snap: (f) => extracting(f),
    state: "running extract",
    actions: [],
  },
  {
    name: "the extract Job failed with the worker's reason",
    snap: (f) => {
      const snap = extracting(f, [condition("Failed", 8)]);
      return {
        ...snap,
        extractPods: [pod(snap.extractJob as never, { message: failure("PublishFailed", "S3 said no") })],
      };
    },
    state: "failed PublishFailed",
    actions: [],
  },
  {
    name: "the extract Job failed without a reason: ExtractFailed",
    snap: (f) => {
      const snap = extracting(f, [condition("Failed", 8)]);
      return { ...snap, extractPods: [pod(snap.extractJob as never, { message: "panic: something" })] };
    },
    state: "failed ExtractFailed",
    actions: [],
    message: /panic: something/,
  },
  {
    name: "the extract Job succeeded: the result, and the temporaries go",
    snap: (f) => {
      const snap = extracting(f, [condition("Complete", 9)]);
      return {
        ...snap,
        extractPods: [pod(snap.extractJob as never, { exitCode: 0, message: JSON.stringify(extractResult) })],
      };
    },
    state: "succeeded",
    actions: [
      "delete VirtualMachine table-install",
      "delete PersistentVolumeClaim table-disk",
      "release Job rootfs-iso",
      "release PersistentVolumeClaim rootfs-iso",
    ],
  },
  {
    name: "a repeated pass after success: the same outcome, nothing to recreate",
    snap: (f) => {
      const snap = extracting(f, [condition("Complete", 9)]);
      const extractPods = [
        pod(snap.extractJob as never, { exitCode: 0, message: JSON.stringify(extractResult) }),
      ];
      return { ...emptySnapshot(), extractJob: snap.extractJob, extractPods };
    },
    state: "succeeded",
    actions: [],
  },
  {
    name: "the extract Job succeeded with an unreadable result: ExtractFailed",
    snap: (f) => {
      const snap = extracting(f, [condition("Complete", 1)]);
      return {
        ...snap,
        extractPods: [pod(snap.extractJob as never, { exitCode: 0, message: '{"artifacts":"nope"}' })],
      };
    },
    state: "failed ExtractFailed",
    actions: [],
    message: /unreadable result/,
  },
  {
    name: "children of an earlier build key: own deleted, shared released",
    snap: (f) => ({
      ...installing(f),
      stale: [
        {
          ref: {
            group: "kubevirt.io",
            version: "v1",
            plural: "virtualmachines",
            kind: "VirtualMachine",
            namespaced: true,
          },
          object: object("VirtualMachine", "table-install-0ld0ld00", [f.own]),
        },
        {
          ref: {
            group: "",
            version: "v1",
            plural: "persistentvolumeclaims",
            kind: "PersistentVolumeClaim",
            namespaced: true,
          },
          object: object("PersistentVolumeClaim", "rootfs-iso-0ld0ld0ld0ld", [f.shared]),
        },
      ],
    }),
    state: "running install",
    actions: [
      "delete VirtualMachine table-install-0ld0ld00",
      "release PersistentVolumeClaim rootfs-iso-0ld0ld0ld0ld",
    ],
  },
];

describe("decide(): the install and after", () => runTable(rows));
