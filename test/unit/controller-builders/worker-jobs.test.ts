import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  allChildNames,
  installJob,
  type BuildContext,
  type Job,
} from "../../../src/controller/builders/index.js";
import { allNames, createdDisk, extractJobFor, prepareJobFor } from "./all-children.js";
import {
  buildNamed,
  contextFor,
  distroCases,
  operatorConfig,
  s3Storage,
  set,
  storageCases,
  withStorage,
} from "./fixtures.js";

const extractFor = extractJobFor;
/** The extract Job of a build without an nfsroot tree, which runs like the prepare Job. */
const cgzExtractFor = (ctx: BuildContext): Job =>
  extractFor({
    ...ctx,
    build: {
      ...ctx.build,
      spec: { ...ctx.build.spec, outputs: { ...ctx.build.spec.outputs, nfsroot: false } },
    },
  });
const podOf = (job: Job) => job.spec.template.spec;
const containerOf = (job: Job) => {
  const container = podOf(job).containers[0];
  assert.ok(container, `${job.metadata.name} has no container`);
  return container;
};
const mountAt = (job: Job, path: string) => containerOf(job).volumeMounts.find((m) => m.mountPath === path);
const volumeNamed = (job: Job, name: string) => podOf(job).volumes.find((v) => v.name === name);
const envOf = (job: Job) => Object.fromEntries(containerOf(job).env.map((e) => [e.name, e]));

describe("worker Jobs", () => {
  for (const { id, make, secret, config } of [
    { id: "prepare", make: prepareJobFor, secret: "prepareSecret", config: "prepare.json" },
    { id: "extract", make: cgzExtractFor, secret: "answerSecret", config: "build.json" },
    {
      id: "install (installRuntime pod)",
      make: (ctx: BuildContext) =>
        installJob({ ...ctx, installRuntime: "pod" }, { targetDiskPvc: createdDisk(ctx) }),
      secret: "answerSecret",
      config: "build.json",
    },
  ]) {
    test(`${id}: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp`, async () => {
      const job = make(await contextFor(buildNamed("secure")));
      assert.deepEqual(podOf(job).securityContext, {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        fsGroup: 65532,
        seccompProfile: { type: "RuntimeDefault" },
      });
      assert.deepEqual(containerOf(job).securityContext, {
        runAsNonRoot: true,
        runAsUser: 65532,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      assert.deepEqual(mountAt(job, "/tmp"), { name: "tmp", mountPath: "/tmp" });
      assert.match(
        (volumeNamed(job, "tmp") as { emptyDir: { sizeLimit: string } }).emptyDir.sizeLimit,
        /^\d+Gi$/,
      );
      assert.deepEqual(envOf(job)["HOME"], { name: "HOME", value: "/tmp" });
    });

    test(`${id}: reads ${config} from its Secret at /config, read-only`, async () => {
      const ctx = await contextFor(buildNamed("config"));
      const job = make(ctx);
      assert.deepEqual(mountAt(job, "/config"), { name: "config", mountPath: "/config", readOnly: true });
      assert.deepEqual(volumeNamed(job, "config"), {
        name: "config",
        secret: { secretName: allNames(ctx)[secret as "prepareSecret" | "answerSecret"] },
      });
      assert.equal(containerOf(job).command[4], `/config/${config}`);
      for (const init of podOf(job).initContainers ?? []) assert.equal(init.command[4], `/config/${config}`);
      assert.equal(containerOf(job).terminationMessagePolicy, "File");
      assert.equal(podOf(job).restartPolicy, "Never");
      assert.deepEqual(job.spec.template.metadata.labels, job.metadata.labels);
    });

    for (const distro of distroCases) {
      test(`${id}: ${distro.id} runs on the ${distro.arch} nodes with the worker image`, async () => {
        const config = operatorConfig({
          workerImage: "registry.example/worker:1",
          nodeSelectors: { x86_64: { pool: "amd" }, aarch64: { pool: "arm" } },
        });
        const job = make(await contextFor(buildNamed("arch", distro.modifier), { config }));
        assert.deepEqual(podOf(job).nodeSelector, { pool: distro.arch === "x86_64" ? "amd" : "arm" });
        assert.equal(containerOf(job).image, "registry.example/worker:1");
      });
    }
  }

  test("prepare: remasters into the ISO PVC, retries twice, bounded by spec.install.timeout", async () => {
    const ctx = await contextFor(buildNamed("prep", set("spec.install.timeout", "1h30m")));
    const job = prepareJobFor(ctx);
    const [fetch] = podOf(job).initContainers ?? [];
    assert.equal(fetch?.name, "fetch");
    assert.deepEqual(fetch?.command, [
      ...["rootfs", "worker", "fetch", "--config", "/config/prepare.json", "--out", "/tmp/source.iso"],
    ]);
    // Both containers run the same way: same image, mounts, limits and security context.
    const { name: _fetch, command: _fetchCommand, ...fetchRest } = fetch ?? containerOf(job);
    const { name: _worker, command: _workerCommand, ...workerRest } = containerOf(job);
    assert.deepEqual(fetchRest, workerRest);
    assert.deepEqual(containerOf(job).command, [
      ...["rootfs", "worker", "remaster", "--config", "/config/prepare.json"],
      ...["--source", "/tmp/source.iso", "--out", "/iso/disk.img"],
    ]);
    assert.deepEqual(mountAt(job, "/iso"), { name: "iso", mountPath: "/iso" });
    assert.deepEqual(volumeNamed(job, "iso"), {
      name: "iso",
      persistentVolumeClaim: { claimName: allChildNames(ctx).isoPvc },
    });
    assert.equal(job.spec.backoffLimit, 2);
    assert.equal(job.spec.activeDeadlineSeconds, 5400);
    assert.equal("ttlSecondsAfterFinished" in job.spec, false);
    assert.equal(containerOf(job).resources.limits["devices.kubevirt.io/kvm"], undefined);
  });

  test("extract of an nfsroot tree onto the PVC: root with only the capabilities a tree needs (baseline)", async () => {
    const job = extractFor(await contextFor(buildNamed("tree")));
    assert.deepEqual(podOf(job).securityContext, {
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(containerOf(job).securityContext, {
      runAsNonRoot: false,
      runAsUser: 0,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"], add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "MKNOD", "SETFCAP"] },
    });
    // To S3 only, the tree is not made: non-root again.
    const toS3 = extractFor(await contextFor(buildNamed("s3", withStorage({ s3: s3Storage }))));
    assert.equal(containerOf(toS3).securityContext.runAsUser, 65532);
  });

  test("extract: reads the target disk read-only and reports on the termination log", async () => {
    const ctx = await contextFor(buildNamed("extract"));
    const job = extractFor(ctx);
    assert.deepEqual(containerOf(job).command, [
      "rootfs",
      "worker",
      "extract",
      "--config",
      "/config/build.json",
      "--disk",
      "/target/disk.img",
      "--out",
      "/output",
      "--result",
      "/dev/termination-log",
    ]);
    assert.deepEqual(mountAt(job, "/target"), { name: "target", mountPath: "/target", readOnly: true });
    assert.deepEqual(volumeNamed(job, "target"), {
      name: "target",
      persistentVolumeClaim: { claimName: allChildNames(ctx).targetDiskPvc, readOnly: true },
    });
    assert.equal(job.spec.backoffLimit, 1);
    const env = envOf(job);
    for (const [name, value] of [
      ["LIBGUESTFS_BACKEND", "direct"],
      ["LIBGUESTFS_CACHEDIR", "/tmp"],
      ["HOME", "/tmp"],
    ]) {
      assert.deepEqual(env[name as string], { name, value });
    }
  });

  for (const kvmDevice of [true, false]) {
    test(`extract: kvmDevice ${kvmDevice} ${kvmDevice ? "requests" : "does not request"} /dev/kvm`, async () => {
      const config = operatorConfig({ kvmDevice, workerResources: { cpu: "2", memory: "3Gi" } });
      const { resources } = containerOf(extractFor(await contextFor(buildNamed("kvm"), { config })));
      const compute = { cpu: "2", memory: "3Gi", "ephemeral-storage": "4Gi" };
      assert.deepEqual(resources.requests, compute);
      assert.deepEqual(
        resources.limits,
        kvmDevice ? { ...compute, "devices.kubevirt.io/kvm": "1" } : compute,
      );
    });
  }

  for (const storage of storageCases) {
    test(`extract: storage ${storage.id}`, async () => {
      const job = extractFor(await contextFor(buildNamed("store", withStorage(storage.storage))));
      if (storage.pvc) {
        assert.deepEqual(mountAt(job, "/output"), {
          name: "output",
          mountPath: "/output",
          subPath: "openeuler/24.03",
        });
        assert.deepEqual(volumeNamed(job, "output"), {
          name: "output",
          persistentVolumeClaim: { claimName: "rootfs-artifacts" },
        });
      } else {
        assert.deepEqual(mountAt(job, "/output"), { name: "output", mountPath: "/output" });
        // Staging for the upload: at most the installed disk's size, counted in the Pod's ephemeral storage.
        assert.deepEqual(volumeNamed(job, "output"), { name: "output", emptyDir: { sizeLimit: "20Gi" } });
        assert.equal(containerOf(job).resources.limits["ephemeral-storage"], "24Gi");
      }
      // Scratch /output: the worker must publish only what reached S3.
      assert.equal(containerOf(job).command.includes("--output-ephemeral"), !storage.pvc);
      const env = envOf(job);
      if (storage.s3) {
        for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
          assert.deepEqual(env[key], { name: key, valueFrom: { secretKeyRef: { name: "rootfs-s3", key } } });
        }
        const values = Object.fromEntries(
          containerOf(job)
            .env.filter((e) => e.name.startsWith("ROOTFS_S3_"))
            .map((e) => [e.name, "value" in e ? e.value : undefined]),
        );
        assert.deepEqual(values, {
          ROOTFS_S3_BUCKET: "rootfs-images",
          ROOTFS_S3_PREFIX: "openeuler/",
          ROOTFS_S3_ENDPOINT: "https://s3.example.internal",
          ROOTFS_S3_REGION: "us-east-1",
          ROOTFS_S3_FORCE_PATH_STYLE: "true",
        });
      } else {
        assert.equal(
          containerOf(job).env.some((e) => e.name.startsWith("AWS_") || e.name.startsWith("ROOTFS_S3_")),
          false,
        );
      }
    });
  }

  test("extract: an S3 target without an endpoint (AWS) sets no ROOTFS_S3_ENDPOINT", async () => {
    const s3 = { bucket: "aws-bucket", credentialsSecretRef: { name: "aws" } };
    const job = extractFor(await contextFor(buildNamed("aws", withStorage({ s3 }))));
    assert.equal(envOf(job)["ROOTFS_S3_ENDPOINT"], undefined);
    assert.deepEqual(envOf(job)["ROOTFS_S3_PREFIX"], { name: "ROOTFS_S3_PREFIX", value: "" });
  });

  test("every worker Pod's scratch space is bounded: /tmp's sizeLimit and ephemeral storage", async () => {
    const config = operatorConfig({ workerResources: { scratch: "3Gi" } });
    const ctx = await contextFor(buildNamed("bounded"), { config });
    const extract = extractFor(ctx);
    assert.deepEqual(volumeNamed(extract, "tmp"), { name: "tmp", emptyDir: { sizeLimit: "3Gi" } });
    assert.equal(containerOf(extract).resources.requests["ephemeral-storage"], "3Gi");
    // The prepare Pod downloads the whole ISO into /tmp: the ISO PVC's size on top of the scratch space.
    const prepare = prepareJobFor(ctx);
    assert.deepEqual(volumeNamed(prepare, "tmp"), { name: "tmp", emptyDir: { sizeLimit: "8Gi" } });
    for (const c of [...(podOf(prepare).initContainers ?? []), ...podOf(prepare).containers])
      assert.equal(c.resources.limits["ephemeral-storage"], "8Gi", c.name);
  });

  test("an empty subPath mounts the whole storage PVC", async () => {
    const build = buildNamed("whole", withStorage({ pvc: { claimName: "artifacts" } }));
    assert.deepEqual(mountAt(extractFor(await contextFor(build)), "/output"), {
      name: "output",
      mountPath: "/output",
    });
  });
});
