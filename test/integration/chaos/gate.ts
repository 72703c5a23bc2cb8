// Holds the operator at an exact point of a pass: a ValidatingAdmissionPolicy denies one kind of write,
// so the pass fails right there and the test can kill the process in that state, as if it had crashed
// between the writes before and the denied one. Opening the gate lets the next process through.
import { stringify } from "yaml";
import { apiVersion } from "../../../src/api/group.js";
import { namespace as buildNamespace, operatorNamespace, type Env } from "../kubevirt-backend/env.js";
import { eventually } from "../../helpers/eventually.js";
import { coreRefs, isAlreadyExists } from "../../../src/runtime/index.js";
import type { LogLine } from "./operator-process.js";

/** In the denial the operator logs, so the test can tell it reached the gate. */
export const gateMessage = "held by the chaos test";

/** The operator's log says the pass for `build` was denied at a gate. */
export const deniedAtGate = (build: string) => (line: LogLine) =>
  line.msg === "Reconcile failed" && line.name === build && JSON.stringify(line).includes(gateMessage);

interface GateSpec {
  name: string;
  rule: { apiGroups: string[]; resources: string[]; operations: string[] };
  /** CEL: true lets the request through. */
  allow: string;
  /** kubectl arguments of a server-side dry run that the gate denies. */
  probe: string[];
  /** Makes what the probe needs, and removes it once the gate is open again. */
  setup?: (env: Env) => Promise<void>;
  teardown?: (env: Env) => Promise<void>;
}

/** Creating any RootfsImage: the catalog entry of a finished build. */
export const imageRecording: GateSpec = {
  name: "chaos-image-recording",
  rule: { apiGroups: ["rootfs.dev"], resources: ["rootfsimages"], operations: ["CREATE"] },
  allow: "false",
  probe: ["create", "--dry-run=server", "-f", "-"],
};

/** Deleting a build-key claim (a Lease rootfs-claim-*): its release once the build is done. */
export const claimRelease: GateSpec = {
  name: "chaos-claim-release",
  rule: { apiGroups: ["coordination.k8s.io"], resources: ["leases"], operations: ["DELETE"] },
  allow: "!oldObject.metadata.name.startsWith('rootfs-claim-')",
  probe: ["delete", "lease", "rootfs-claim-gate-probe", "-n", operatorNamespace, "--dry-run=server"],
  async setup(env) {
    await env.client
      .create(coreRefs.lease, { metadata: { name: "rootfs-claim-gate-probe", namespace: operatorNamespace } })
      .catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
  },
  async teardown(env) {
    await env.client.delete(coreRefs.lease, "rootfs-claim-gate-probe", operatorNamespace);
  },
};

// A RootfsImage that passes the CRD's validation, for the dry run.
const probeImage = {
  apiVersion,
  kind: "RootfsImage",
  metadata: { name: "gate-probe" },
  spec: {
    os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
    buildKey: "0".repeat(64),
    isoSHA256: "0".repeat(64),
    layout: "flat",
    size: "1Mi",
    artifacts: [{ kind: "cgz", location: "rootfs.cgz", size: 1, sha256: "0".repeat(64) }],
    storage: { pvc: { namespace: buildNamespace, claimName: "x", subPath: "" } },
    createdFrom: { namespace: buildNamespace, name: "x", uid: "x", generation: 1 },
  },
};

export interface Gate {
  open(): Promise<void>;
}

/** Closes the gate and returns once the apiserver enforces it (policies take effect asynchronously). */
export async function closeGate(env: Env, spec: GateSpec): Promise<Gate> {
  await spec.setup?.(env);
  const policy = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name: spec.name },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [{ ...spec.rule, apiVersions: ["*"] }],
      },
      validations: [{ expression: spec.allow, message: gateMessage }],
    },
  };
  const binding = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name: spec.name },
    spec: { policyName: spec.name, validationActions: ["Deny"] },
  };
  await env.cp.kubectl(["apply", "-f", "-"], {
    stdin: `${stringify(policy)}---\n${stringify(binding)}`,
    check: true,
  });
  const probe = () => env.cp.kubectl(spec.probe, { stdin: stringify(probeImage) });
  await eventually(probe, (r) => r.code !== 0 && r.stderr.includes(gateMessage), { timeoutMs: 30_000 });
  return {
    async open() {
      await env.cp.kubectl(
        ["delete", "validatingadmissionpolicybinding,validatingadmissionpolicy", spec.name],
        {
          check: true,
        },
      );
      await eventually(probe, (r) => r.code === 0, { timeoutMs: 30_000 });
      await spec.teardown?.(env);
    },
  };
}
