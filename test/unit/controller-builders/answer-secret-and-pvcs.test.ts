import { sourcePolicyOf } from "../../../src/controller/config.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TerminalError } from "../../../src/runtime/reconcile.js";
import {
  answerSecret,
  isoPvc,
  isoPvcSize,
  prepareSecret,
  resolveStorage,
  targetDiskPvc,
  type BuildContext,
  type PersistentVolumeClaim,
} from "../../../src/controller/builders/index.js";
import {
  buildNamed,
  contextFor,
  distroCases,
  operatorConfig,
  rootPasswordHash,
  set,
  withRootPassword,
  withStorage,
} from "./fixtures.js";

const decode = (value: string | undefined) => Buffer.from(value ?? "", "base64").toString("utf8");

/** A PVC as the apiserver returns it, to own a Secret. */
const created = (pvc: PersistentVolumeClaim) => ({ ...pvc, metadata: { ...pvc.metadata, uid: "uid-pvc" } });
const answers = (ctx: BuildContext) => answerSecret(ctx, created(targetDiskPvc(ctx)));

describe("answer Secret", () => {
  for (const distro of distroCases) {
    test(`${distro.id}: holds ${distro.answerFiles.join(" + ")} and build.json`, async () => {
      const ctx = await contextFor(buildNamed("answers", distro.modifier));
      const secret = answers(ctx);
      assert.equal(secret.type, "Opaque");
      assert.deepEqual(Object.keys(secret.data).sort(), [...distro.answerFiles, "build.json"].sort());
      for (const file of ctx.plan.answerFile.files) {
        assert.equal(decode(secret.data[file.path]), file.content, file.path);
      }
    });
  }

  test("build.json tells the worker which build, spec and keys it works for", async () => {
    const ctx = await contextFor(buildNamed("worker-config"));
    const config = JSON.parse(decode(answers(ctx).data["build.json"])) as Record<string, unknown>;
    assert.deepEqual(config, {
      apiVersion: "rootfs.dev/v1alpha1",
      kind: "RootfsBuild",
      metadata: { name: "worker-config", namespace: "builds", uid: ctx.build.metadata.uid },
      spec: JSON.parse(JSON.stringify(ctx.build.spec)) as unknown,
      key: ctx.key,
      isoKey: ctx.isoKey,
      sourceSHA256: ctx.sourceSHA256,
    });
  });

  test("a root password from a Secret reaches the kickstart through the resolver", async () => {
    const ctx = await contextFor(buildNamed("password", withRootPassword));
    assert.match(decode(answers(ctx).data["ks.cfg"]), new RegExp(rootPasswordHash.replace(/\$/g, "\\$")));
  });
});

describe("prepare Secret", () => {
  for (const distro of distroCases) {
    const embedded = distro.answerFiles.filter((f) => f === "preseed.cfg");
    test(`${distro.id}: holds prepare.json${embedded.length ? " and the embedded preseed" : " only"}`, async () => {
      const ctx = await contextFor(buildNamed("prepare", distro.modifier));
      const secret = prepareSecret(ctx, created(isoPvc(ctx, 2 ** 30)));
      assert.deepEqual(Object.keys(secret.data).sort(), [...embedded, "prepare.json"].sort());
    });
  }

  test("prepare.json names no build: two builds of one ISO get the same Secret", async () => {
    const one = await contextFor(buildNamed("first"));
    const two = await contextFor(buildNamed("second", withRootPassword));
    assert.equal(one.isoKey, two.isoKey);
    const secretOf = (ctx: BuildContext) => prepareSecret(ctx, created(isoPvc(ctx, 2 ** 30)));
    assert.deepEqual(secretOf(one), secretOf(two));
    assert.deepEqual(JSON.parse(decode(secretOf(one).data["prepare.json"])), {
      source: { iso: { url: one.sourceURL, checksum: one.pinnedChecksum } },
      os: one.build.spec.os,
      isoKey: one.isoKey,
      sourceSHA256: one.sourceSHA256,
      policy: sourcePolicyOf(one.config),
    });
  });

  test("prepare.json pins the digest resolved when the build started, never the checksum file", async () => {
    const build = buildNamed(
      "pinned",
      set("spec.source.iso", {
        url: "https://repo.example/os.iso",
        checksumURL: "https://repo.example/SUMS",
      }),
    );
    const ctx = await contextFor(build);
    const config = JSON.parse(
      decode(prepareSecret(ctx, created(isoPvc(ctx, 2 ** 30))).data["prepare.json"]),
    ) as {
      source: { iso: Record<string, unknown> };
    };
    assert.deepEqual(config.source.iso, { url: ctx.sourceURL, checksum: ctx.pinnedChecksum });
  });

  test("a source the operator lets through unverified goes to the worker as such", async () => {
    const ctx = { ...(await contextFor(buildNamed("unpinned"))), pinnedChecksum: undefined };
    const config = JSON.parse(
      decode(prepareSecret(ctx, created(isoPvc(ctx, 2 ** 30))).data["prepare.json"]),
    ) as {
      source: { iso: Record<string, unknown> };
    };
    assert.deepEqual(config.source.iso, { url: ctx.sourceURL, insecureSkipChecksum: true });
  });

  test("a Secret cannot depend on a PVC the apiserver has not given a uid", async () => {
    const ctx = await contextFor(buildNamed("no-uid"));
    assert.throws(() => answerSecret(ctx, targetDiskPvc(ctx)), /has no uid; read it from the apiserver/);
  });

  test("Secret names carry their PVC's uid, so nobody can create one ahead of the build", async () => {
    const ctx = await contextFor(buildNamed("named"));
    const one = answerSecret(ctx, created(targetDiskPvc(ctx)));
    const disk = targetDiskPvc(ctx);
    const other = answerSecret(ctx, { ...disk, metadata: { ...disk.metadata, uid: "9e1f-another-uid" } });
    assert.notEqual(one.metadata.name, other.metadata.name);
  });
});

describe("PVCs", () => {
  test("the ISO PVC holds the ISO plus 10% and 1Gi, rounded up to whole Gi", () => {
    assert.equal(isoPvcSize(4_400_000_000), "6Gi"); // 4.51Gi + 1Gi
    assert.equal(isoPvcSize(900 * 2 ** 20), "2Gi");
    assert.equal(isoPvcSize(2 ** 30 / 1.1), "2Gi");
    assert.throws(() => isoPvcSize(0), /positive/);
  });

  test("both PVCs are ReadWriteOnce Filesystem claims of the configured StorageClass", async () => {
    const ctx = await contextFor(buildNamed("disks", set("spec.install.diskSize", "16Gi")));
    const iso = isoPvc(ctx, 3 * 2 ** 30);
    const disk = targetDiskPvc(ctx);
    assert.deepEqual(iso.spec, {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: "5Gi" } },
      storageClassName: "fast-local",
    });
    assert.deepEqual(disk.spec, {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: "16Gi" } },
      storageClassName: "fast-local",
    });
  });

  test("without a configured StorageClass the cluster default applies", async () => {
    const ctx = await contextFor(buildNamed("default-class"), { config: operatorConfig() });
    assert.equal("storageClassName" in targetDiskPvc(ctx).spec, false);
    assert.equal("storageClassName" in isoPvc(ctx, 2 ** 30).spec, false);
  });
});

describe("resolveStorage", () => {
  const defaultPvc = { pvc: { claimName: "operator-default" } };

  test("spec.storage wins over the operator's default", () => {
    const build = buildNamed(
      "own",
      withStorage({ s3: { bucket: "b-1", credentialsSecretRef: { name: "c" } } }),
    );
    const storage = resolveStorage(build, operatorConfig({ defaultStorage: defaultPvc }));
    assert.equal(storage.pvc, undefined);
    assert.equal(storage.s3?.bucket, "b-1");
  });

  test("without spec.storage the operator's default applies", () => {
    const build = buildNamed("defaulted", withStorage(undefined));
    assert.deepEqual(resolveStorage(build, operatorConfig({ defaultStorage: defaultPvc })), {
      pvc: { claimName: "operator-default", subPath: "" },
    });
  });

  test("with neither, the build cannot proceed: a TerminalError says what to set", () => {
    const build = buildNamed("nowhere", withStorage(undefined));
    assert.throws(
      () => resolveStorage(build, operatorConfig()),
      (err: unknown) =>
        err instanceof TerminalError && /set spec\.storage\.pvc or spec\.storage\.s3/.test(err.message),
    );
  });
});
