// A tenant forges a build's children on a real apiserver with OwnerReferencesPermissionEnforcement on
// (as a hardened cluster runs it, docs/security.md): a Job at the extract Job's name with a finished Pod
// whose termination message claims success, and Pods that carry the real extract Job's controller-uid
// label. None of it may make the build succeed or put anything in the catalog.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { jobNameLabel, jobUidLabel } from "../../../src/controller/kubevirt-backend/job-status.js";
import { workerContainer } from "../../../src/controller/builders/index.js";
import { childName } from "../../../src/controller/builders/child-names.js";
import { managedBy, managedByLabel } from "../../../src/controller/builders/object-meta.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, type KubeObject, type Manager, type OwnerReference } from "../../../src/runtime/index.js";
import {
  applyBuild,
  buildUntil,
  namespace,
  startEnv,
  startOperator,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "./env.js";
import { childOf, extractSucceeded, finishJob, finishVm, prepareSucceeded } from "./fake-cluster.js";

/** What the tenant's own container writes to /dev/termination-log: success, with artifacts it chose. */
const forgedResult = JSON.stringify({
  artifacts: [{ kind: "cgz", location: "forged/rootfs.cgz", size: 1, sha256: "e".repeat(64) }],
  kernelVersion: "6.6.6-forged",
  packageCount: 1,
});
const tenant = "tenant";

describe("kubevirt backend: children a tenant forged", () => {
  let env: Env;
  let operator: Manager;

  before(async () => {
    env = await startEnv({
      extraApiServerArgs: ["--enable-admission-plugins=OwnerReferencesPermissionEnforcement"],
    });
    // The tenant may create Jobs, Pods and VMIs and read builds: not update a build's finalizers.
    const kubectl = (...args: string[]) => env.cp.kubectl([...args, "-n", namespace], { check: true });
    const made = "--resource=jobs.batch,pods,virtualmachineinstances.kubevirt.io";
    await kubectl("create", "role", "make", "--verb=create,get,list", made);
    await kubectl("create", "role", "read", "--verb=get,list", "--resource=rootfsbuilds.rootfs.dev");
    for (const role of ["make", "read"])
      await kubectl("create", "rolebinding", role, `--role=${role}`, `--user=${tenant}`);
    operator = await startOperator(env);
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
  });

  /** Creates `object` as the tenant (impersonated); resolves with what the apiserver stored. */
  async function asTenant(object: KubeObject & { apiVersion: string; kind: string }): Promise<KubeObject> {
    const { stdout } = await env.cp.kubectl(["--as", tenant, "create", "-o", "json", "-f", "-"], {
      stdin: JSON.stringify(object),
      check: true,
    });
    return JSON.parse(stdout) as KubeObject;
  }

  /**
   * A Pod whose worker container exited 0 with the forged result (the kubelet writes its status): made
   * by the tenant, or by the Job controller for the tenant's own Job (with blockOwnerDeletion, as it does).
   */
  async function finishedPod(
    labels: Record<string, string>,
    ownerReferences: OwnerReference[] = [],
    by: "tenant" | "job controller" = "tenant",
  ) {
    const manifest = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `forged-${randomBytes(3).toString("hex")}`, namespace, labels, ownerReferences },
      spec: { restartPolicy: "Never", containers: [{ name: workerContainer, image: "busybox" }] },
    };
    const pod = by === "tenant" ? await asTenant(manifest) : await env.client.create(coreRefs.pod, manifest);
    // Later than any real Pod's: a reader that took the latest termination would take this one.
    const at = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const terminated = {
      exitCode: 0,
      reason: "Completed",
      startedAt: at,
      finishedAt: at,
      message: forgedResult,
    };
    await env.client.replace(
      coreRefs.pod,
      {
        ...pod,
        status: {
          phase: "Succeeded",
          containerStatuses: [
            {
              name: workerContainer,
              image: "busybox",
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
  }

  const buildRef = (build: RootfsBuild, extra: Partial<OwnerReference> = {}): OwnerReference => ({
    apiVersion: build.apiVersion,
    kind: "RootfsBuild",
    name: build.metadata.name,
    uid: build.metadata.uid ?? "",
    controller: true,
    ...extra,
  });
  const images = async (key: string | undefined) =>
    (await env.client.list<RootfsImage>(rootfsImageRef)).items.filter((i) => i.spec.buildKey === key);

  test("the tenant cannot give its Job the owner reference that makes a child the build's", async () => {
    const build = await applyBuild(env, uniqueBuild("owner-ref"));
    const job = forgedJob("owner-ref-extract-forged", [buildRef(build, { blockOwnerDeletion: true })]);
    const denied = await env.cp.kubectl(["--as", tenant, "create", "-f", "-"], {
      stdin: JSON.stringify(job),
    });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /cannot set blockOwnerDeletion/);
  });

  test("a Job squatting the extract Job's name, with a Pod that claims success: no success, no entry", async () => {
    const build = await buildUntil(
      env,
      (await applyBuild(env, uniqueBuild("squatted"))).metadata.name,
      (b) => b.status?.buildKey !== undefined,
    );
    const key = build.status?.buildKey ?? "";
    const name = childName(build.metadata.name, "extract", key);
    // What a tenant can make: a controller reference to the build, without blockOwnerDeletion.
    const job = await asTenant(forgedJob(name, [buildRef(build)]));
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const condition = (type: string) => ({
      type,
      status: "True",
      lastProbeTime: now,
      lastTransitionTime: now,
    });
    await env.client.replace(
      coreRefs.job,
      {
        ...job,
        status: {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [condition("SuccessCriteriaMet"), condition("Complete")],
        },
      },
      { subresource: "status" },
    );
    await finishedPod(
      { [managedByLabel]: managedBy, [jobUidLabel]: job.metadata.uid ?? "", [jobNameLabel]: name },
      [{ ...jobRefOf(job), controller: true, blockOwnerDeletion: true }],
      "job controller",
    );
    const waiting = await buildUntil(env, build.metadata.name, (b) =>
      (succeededCondition(b)?.message ?? "").includes(`Job ${namespace}/${name}`),
    );
    assert.match(succeededCondition(waiting)?.message ?? "", /is not this build's; delete it/);
    await sleep(2000);
    const later = await buildUntil(env, build.metadata.name, () => true);
    assert.notEqual(later.status?.phase, "Succeeded");
    assert.deepEqual(await images(key), []);
  });

  test("a VMI the tenant made at the install VM's name, claiming the install finished: no extract", async () => {
    const build = await applyBuild(env, uniqueBuild("early-vmi"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    const vm = await childOf(env, build, "install");
    const vmRef = { apiVersion: "kubevirt.io/v1", kind: "VirtualMachine", name: vm.metadata.name };
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    await asTenant({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachineInstance",
      metadata: {
        name: vm.metadata.name,
        namespace,
        labels: { [managedByLabel]: managedBy },
        ownerReferences: [{ ...vmRef, uid: vm.metadata.uid ?? "", controller: true }],
      },
      spec: { domain: { devices: {} } },
      status: {
        phase: "Succeeded",
        phaseTransitionTimestamps: [{ phase: "Succeeded", phaseTransitionTimestamp: now }],
      },
    });
    await sleep(2000);
    const later = await buildUntil(env, "early-vmi", () => true);
    assert.equal(later.status?.phase, "Installing", JSON.stringify(later.status));
    const jobs = await env.client.list(coreRefs.job, { namespace, labelSelector: "rootfs.dev/step=extract" });
    assert.deepEqual(
      jobs.items.filter((j) => j.metadata.ownerReferences?.some((o) => o.uid === build.metadata.uid)),
      [],
      "no extract Job for an install that never ran",
    );
  });

  test("Pods that carry the real extract Job's uid label, but that it does not control, are not its result", async () => {
    const build = await applyBuild(env, uniqueBuild("real"));
    await finishJob(env, await childOf(env, build, "prepare"), prepareSucceeded);
    await finishVm(env, await childOf(env, build, "install"), "Succeeded");
    const extract = await childOf(env, build, "extract");
    const labels = {
      [managedByLabel]: managedBy,
      [jobUidLabel]: extract.metadata.uid ?? "",
      [jobNameLabel]: extract.metadata.name,
    };
    const jobRef = jobRefOf(extract);

    // Labelled only; owned but not controlled; and controlled, as far as a tenant may set it.
    await finishedPod(labels);
    await finishedPod(labels, [{ ...jobRef, controller: false }]);
    await finishedPod(labels, [{ ...jobRef, controller: true }]);
    await finishJob(env, extract, extractSucceeded);
    const done = await buildUntil(
      env,
      "real",
      (b) => b.status?.phase === "Succeeded" || b.status?.phase === "Failed",
    );
    assert.equal(done.status?.phase, "Succeeded", JSON.stringify(done.status));
    const [image] = await images(done.status?.buildKey);
    assert.ok(image, "the real result is published");
    assert.equal(image.spec.kernelVersion, "6.6.0-28.0.0.34.oe2403.x86_64");
    assert.doesNotMatch(JSON.stringify(image.spec.artifacts), /forged|eeeeeeee/);
  });
});

const jobRefOf = (job: KubeObject) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  name: job.metadata.name,
  uid: job.metadata.uid ?? "",
});

/** A Job at `name` with the labels the operator's caches select, and `ownerReferences`. */
function forgedJob(name: string, ownerReferences: OwnerReference[]) {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace,
      labels: { [managedByLabel]: managedBy, "rootfs.dev/step": "extract" },
      ownerReferences,
    },
    spec: {
      template: {
        metadata: { labels: { [managedByLabel]: managedBy } },
        spec: { restartPolicy: "Never", containers: [{ name: workerContainer, image: "busybox" }] },
      },
    },
  };
}
