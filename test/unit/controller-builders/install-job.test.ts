// The pod runtime's install Job: what runs, on which volumes, sized like a virt-launcher, and KVM access
// (worker-jobs.test.ts checks it is restricted and reads its Secret like the other worker Jobs).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  allChildNames,
  answerSecretName,
  installJob,
  type BuildContext,
  type Job,
} from "../../../src/controller/builders/index.js";
import { createdDisk } from "./all-children.js";
import { buildNamed, contextFor, operatorConfig, set } from "./fixtures.js";

const installJobOf = (ctx: BuildContext) => installJob(ctx, { targetDiskPvc: createdDisk(ctx) });
const podOf = (job: Job) => job.spec.template.spec;
const containerOf = (job: Job) => {
  const container = podOf(job).containers[0];
  assert.ok(container);
  return container;
};

describe("install Job (installRuntime pod)", () => {
  test("runs `rootfs worker install` on the ISO PVC (read-only) and the target disk, answers from the disk's Secret", async () => {
    const ctx = await contextFor(buildNamed("tiny"), { installRuntime: "pod" });
    const names = allChildNames(ctx);
    const job = installJobOf(ctx);
    assert.equal(job.metadata.name, names.installJob);
    assert.equal(job.metadata.labels["rootfs.dev/step"], "install");
    assert.deepEqual(containerOf(job).command, [
      ...["rootfs", "worker", "install", "--config", "/config/build.json"],
      ...["--iso", "/iso/disk.img", "--disk", "/target/disk.img", "--console", "/target/install-console.log"],
      ...["--accel", "auto", "--result", "/dev/termination-log"],
    ]);
    assert.deepEqual(podOf(job).volumes, [
      { name: "iso", persistentVolumeClaim: { claimName: names.isoPvc, readOnly: true } },
      { name: "target", persistentVolumeClaim: { claimName: names.targetDiskPvc } },
      { name: "config", secret: { secretName: answerSecretName(ctx, createdDisk(ctx)) } },
      { name: "tmp", emptyDir: { sizeLimit: "4Gi" } },
    ]);
    assert.deepEqual(
      containerOf(job).volumeMounts.map((m) => `${m.mountPath}${m.readOnly ? " ro" : ""}`),
      ["/iso ro", "/target", "/config ro", "/tmp"],
    );
  });

  test("is not retried, and its deadline is spec.install.timeout plus a grace the worker's own timer fits in", async () => {
    const ctx = await contextFor(buildNamed("tiny", set("spec.install.timeout", "20m")), {
      installRuntime: "pod",
    });
    const { spec } = installJobOf(ctx);
    assert.equal(spec.backoffLimit, 0);
    assert.equal(spec.activeDeadlineSeconds, 20 * 60 + 600);
  });

  test("sized like KubeVirt sizes a virt-launcher: the guest's memory plus qemu's, a tenth of a CPU per vCPU", async () => {
    const build = buildNamed("sized", set("spec.install.vm", { cpu: 4, memory: "3Gi" }));
    const { resources } = containerOf(installJobOf(await contextFor(build, { installRuntime: "pod" })));
    // The disk and console go to the target PVC: only the workers' usual scratch space is ephemeral.
    assert.deepEqual(resources.requests, { cpu: "400m", memory: "3584Mi", "ephemeral-storage": "4Gi" });
    // No CPU limit, as KubeVirt sets none: TCG may use what the node has spare.
    assert.deepEqual(resources.limits, {
      memory: "3584Mi",
      "ephemeral-storage": "4Gi",
      "devices.kubevirt.io/kvm": "1",
    });
  });

  for (const [kvmDevice, kvmGroupId] of [
    [true, 107],
    [true, undefined],
    [false, 107],
  ] as const) {
    test(`kvmDevice ${kvmDevice}, kvmGroupId ${kvmGroupId}: /dev/kvm ${kvmDevice ? "requested" : "not requested"}`, async () => {
      const config = operatorConfig({ kvmDevice, ...(kvmGroupId && { kvmGroupId }) });
      const job = installJobOf(await contextFor(buildNamed("kvm"), { config, installRuntime: "pod" }));
      assert.equal(containerOf(job).resources.limits["devices.kubevirt.io/kvm"], kvmDevice ? "1" : undefined);
      assert.deepEqual(
        podOf(job).securityContext.supplementalGroups,
        kvmDevice && kvmGroupId ? [kvmGroupId] : undefined,
      );
      assert.deepEqual(containerOf(job).command.slice(-4, -2), ["--accel", kvmDevice ? "auto" : "tcg"]);
    });
  }
});
