import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { rootfsBuild, set } from "../../helpers/builds.js";
import { invalidBuilds } from "../../helpers/invalid-builds.js";
import { repoRoot } from "../../helpers/paths.js";

const ourCrds = ["crds/rootfsbuilds.rootfs.dev.yaml", "crds/rootfsimages.rootfs.dev.yaml"];
const kubevirtCrds = "test/fixtures/kubevirt-crds";

describe("CRDs on a real apiserver", () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await startControlPlane();
    await installCrds(
      cp,
      [...ourCrds, kubevirtCrds].map((p) => path.join(repoRoot, p)),
    );
  });
  after(async () => cp?.stop());

  const apply = (manifest: unknown) =>
    cp.kubectl(["apply", "--server-side", "-f", "-"], { stdin: stringify(manifest) });

  test("every example applies server-side", async () => {
    const result = await cp.kubectl(["apply", "--server-side", "-f", path.join(repoRoot, "examples")]);
    assert.equal(result.code, 0, result.stderr);
    const builds = (await cp.kubectl(["get", "rootfsbuilds", "-o", "name"], { check: true })).stdout
      .trim()
      .split("\n");
    assert.ok(builds.length >= 7, `only ${builds.length} builds applied`);
  });

  test(`the apiserver rejects ${invalidBuilds.length} invalid builds, naming the field`, async () => {
    let rejected = 0;
    for (const { why, build, field } of invalidBuilds) {
      const result = await apply(build);
      assert.notEqual(result.code, 0, `${why}: accepted`);
      assert.ok(result.stderr.includes(field), `${why}: "${field}" not named in:\n${result.stderr}`);
      rejected++;
    }
    assert.ok(rejected >= 10);
    console.log(`# apiserver rejected ${rejected} invalid RootfsBuilds`);
  });

  test("defaults are applied by the apiserver", async () => {
    await apply(rootfsBuild("defaulted")).then((r) => assert.equal(r.code, 0, r.stderr));
    const { spec } = JSON.parse(
      (await cp.kubectl(["get", "rootfsbuild", "defaulted", "-o", "json"], { check: true })).stdout,
    ) as {
      spec: { install: { diskSize: string }; outputs: { cgz: { compression: string }; layout: string } };
    };
    assert.equal(spec.install.diskSize, "20Gi");
    assert.equal(spec.outputs.cgz.compression, "gzip");
    assert.equal(spec.outputs.layout, "flat");
  });

  test("kubectl explain reads the schema descriptions", async () => {
    const { stdout } = await cp.kubectl(["explain", "rootfsbuild.spec.source.iso"], { check: true });
    assert.match(stdout, /An installer ISO fetched by URL and verified against a checksum/);
    assert.match(stdout, /checksumURL\s+<string>/);
    assert.match(stdout, /sha256sum format/);
  });

  test("kubectl get shows the printer columns, with more in -o wide", async () => {
    await apply(rootfsBuild("columns", set("spec.os", { distro: "debian", release: "12", arch: "aarch64" })));
    const plain = (await cp.kubectl(["get", "rootfsbuild", "columns"], { check: true })).stdout;
    assert.match(plain, /^NAME\s+DISTRO\s+RELEASE\s+ARCH\s+PHASE\s+AGE\s*$/m);
    assert.match(plain, /^columns\s+debian\s+12\s+aarch64\s+/m);
    const wide = (await cp.kubectl(["get", "rfsb", "columns", "-o", "wide"], { check: true })).stdout;
    assert.match(wide, /^NAME\s+DISTRO\s+RELEASE\s+ARCH\s+PHASE\s+AGE\s+SIZE\s+IMAGE\s*$/m);
    const category = (await cp.kubectl(["get", "rootfs"], { check: true })).stdout;
    assert.match(category, /rootfsbuild\.rootfs\.dev\/columns/);
  });

  test("a status written through /status does not bump generation", async () => {
    await apply(rootfsBuild("status-write"));
    const generation = async () =>
      Number(
        (
          await cp.kubectl(["get", "rootfsbuild", "status-write", "-o", "jsonpath={.metadata.generation}"], {
            check: true,
          })
        ).stdout,
      );
    const before = await generation();
    const patch = {
      status: { phase: "Installing", observedGeneration: before, progress: { step: "install", percent: 40 } },
    };
    await cp.kubectl(
      [
        "patch",
        "rootfsbuild",
        "status-write",
        "--subresource=status",
        "--type=merge",
        "-p",
        JSON.stringify(patch),
      ],
      { check: true },
    );
    assert.equal(await generation(), before);
    const phase = (
      await cp.kubectl(["get", "rootfsbuild", "status-write", "-o", "jsonpath={.status.phase}"], {
        check: true,
      })
    ).stdout;
    assert.equal(phase, "Installing");
    await cp.kubectl(
      [
        "patch",
        "rootfsbuild",
        "status-write",
        "--type=merge",
        "-p",
        '{"spec":{"install":{"diskSize":"30Gi"}}}',
      ],
      {
        check: true,
      },
    );
    assert.equal(await generation(), before + 1);
  });

  test("a status with an unknown phase is rejected", async () => {
    await apply(rootfsBuild("bad-status"));
    const result = await cp.kubectl([
      "patch",
      "rootfsbuild",
      "bad-status",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Dancing"}}',
    ]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /status\.phase/);
  });

  test("catalog entries are cluster-scoped and immutable", async () => {
    const image = {
      apiVersion: "rootfs.dev/v1alpha1",
      kind: "RootfsImage",
      metadata: { name: "openeuler-24.03-lts-x86-64-0123456789" },
      spec: {
        os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
        buildKey: "a".repeat(64),
        layout: "flat",
        size: "1.2Gi",
        artifacts: [{ kind: "cgz", location: "s3://bucket/x.cgz", size: 1, sha256: "b".repeat(64) }],
        storage: { s3: { bucket: "bucket", prefix: "" } },
        createdFrom: { namespace: "default", name: "b", uid: "u", generation: 1 },
      },
    };
    assert.equal((await apply(image)).code, 0);
    const changed = await apply({ ...image, spec: { ...image.spec, size: "2Gi" } });
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /a catalog entry is immutable/);
  });

  test("KubeVirt's VirtualMachine schema rejects an invalid VM", async () => {
    const vm = (spec: unknown) => ({
      apiVersion: "kubevirt.io/v1",
      kind: "VirtualMachine",
      metadata: { name: "vm", namespace: "default" },
      spec,
    });
    const good = await apply(
      vm({ runStrategy: "Once", template: { spec: { domain: { devices: {}, memory: { guest: "1Gi" } } } } }),
    );
    assert.equal(good.code, 0, good.stderr);
    const bad = await apply(vm({ runStrategy: "Once" }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.template/);
  });
});
