import assert from "node:assert/strict";
import path from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { Manager } from "../../../src/runtime/index.js";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { rootfsBuild, set, type Manifest } from "../../helpers/builds.js";
import { repoRoot } from "../../helpers/paths.js";
import { ScriptedBackend, succeeded } from "../../helpers/scripted-backend.js";
import { eventually } from "../../helpers/eventually.js";
import { startScriptedOperator } from "./env.js";

describe("RootfsBuild reconciler on a real apiserver", () => {
  let cp: ControlPlane;
  let operator: Manager;
  let backend: ScriptedBackend;
  let counter = 0;

  before(async () => {
    cp = await startControlPlane();
    await installCrds(
      cp,
      ["crds"].map((p) => path.join(repoRoot, p)),
    );
    await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
  });
  after(async () => {
    await operator?.stop();
    await cp?.stop();
  });
  beforeEach(async () => {
    await operator?.stop();
    backend = new ScriptedBackend();
    operator = await startScriptedOperator(cp, backend);
  });

  /** Every test gets builds of its own ISO digest, so keys never collide across tests. */
  const uniqueBuild = (name: string, ...mods: Parameters<typeof rootfsBuild>[1][]): Manifest =>
    rootfsBuild(
      name,
      set("spec.source.iso.checksum", `sha256:${(++counter).toString(16).padStart(64, "0")}`),
      ...mods,
    );
  const apply = async (manifest: unknown) =>
    cp.kubectl(["apply", "--server-side", "-f", "-"], { stdin: stringify(manifest), check: true });
  const get = async (name: string): Promise<RootfsBuild> =>
    JSON.parse(
      (await cp.kubectl(["get", "rootfsbuild", name, "-o", "json"], { check: true })).stdout,
    ) as RootfsBuild;
  const condition = (build: RootfsBuild, type: string) =>
    build.status?.conditions?.find((c) => c.type === type);

  test("runs a build through the backend and records it in the catalog", async () => {
    await apply(uniqueBuild("happy"));
    const running = await eventually(
      () => get("happy"),
      (b) => b.status?.phase === "Fetching",
    );
    const key = running.status?.buildKey ?? "";
    assert.equal(running.status?.observedGeneration, running.metadata.generation);
    assert.equal(condition(running, "Succeeded")?.status, "Unknown");
    assert.deepEqual(running.metadata.finalizers, ["rootfs.dev/cleanup"]);

    backend.set(key, { kind: "running", step: "install", percent: 40, message: "Installing bash (12/30)" });
    const installing = await eventually(
      () => get("happy"),
      (b) => b.status?.phase === "Installing",
    );
    assert.equal(installing.status?.progress?.percent, 40);

    backend.set(key, succeeded(4096));
    const done = await eventually(
      () => get("happy"),
      (b) => b.status?.phase === "Succeeded",
    );
    assert.equal(condition(done, "Succeeded")?.reason, "Built");
    assert.equal(condition(done, "Ready")?.status, "True");
    assert.equal(done.status?.size, "4.1Ki");
    const image = JSON.parse(
      (await cp.kubectl(["get", "rootfsimage", done.status?.image ?? "", "-o", "json"], { check: true }))
        .stdout,
    ) as {
      spec: { buildKey: string; createdFrom: { name: string } };
    };
    assert.equal(image.spec.buildKey, key);
    assert.equal(image.spec.createdFrom.name, "happy");
  });

  test("an identical build is a catalog hit: no backend work, done in under 2 s", async () => {
    const original = uniqueBuild("original");
    await apply(original);
    const first = await eventually(
      () => get("original"),
      (b) => b.status?.buildKey !== undefined,
    );
    backend.set(first.status?.buildKey ?? "", succeeded());
    await eventually(
      () => get("original"),
      (b) => b.status?.phase === "Succeeded",
    );

    const started = Date.now();
    await apply({ ...original, metadata: { name: "copy" } });
    const copy = await eventually(
      () => get("copy"),
      (b) => b.status?.phase === "Succeeded",
      { intervalMs: 50 },
    );
    assert.ok(Date.now() - started < 2000, `catalog hit took ${Date.now() - started} ms`);
    assert.equal(condition(copy, "Succeeded")?.reason, "CatalogHit");
    assert.deepEqual(backend.keysAdvancedFor("copy"), []);
  });

  test("racing builds of the same key: exactly one does the work", async () => {
    const base = uniqueBuild("race-a");
    await Promise.all([apply(base), apply({ ...base, metadata: { name: "race-b" } })]);
    const a = await eventually(
      () => get("race-a"),
      (b) => b.status?.buildKey !== undefined,
    );
    await eventually(
      () => get("race-b"),
      (b) => b.status?.buildKey !== undefined,
    );
    await new Promise((r) => setTimeout(r, 500));
    const workers = new Set(backend.advanced.filter((x) => x.key === a.status?.buildKey).map((x) => x.build));
    assert.equal(workers.size, 1, `both builds did work: ${[...workers].join(", ")}`);
    backend.set(a.status?.buildKey ?? "", succeeded());
    const [doneA, doneB] = await Promise.all(
      ["race-a", "race-b"].map((n) =>
        eventually(
          () => get(n),
          (b) => b.status?.phase === "Succeeded",
          { timeoutMs: 30_000 },
        ),
      ),
    );
    const reasons = [doneA, doneB].map((b) => (b ? condition(b, "Succeeded")?.reason : undefined)).sort();
    assert.deepEqual(reasons, ["Built", "CatalogHit"]);
  });

  for (const reason of [
    "ChecksumMismatch",
    "InstallFailed",
    "InstallTimeout",
    "ExtractFailed",
    "PublishFailed",
  ] as const) {
    test(`a backend failure ends the build Failed with reason ${reason}`, async () => {
      const name = `fail-${reason.toLowerCase()}`;
      await apply(uniqueBuild(name));
      const running = await eventually(
        () => get(name),
        (b) => b.status?.buildKey !== undefined,
      );
      backend.set(running.status?.buildKey ?? "", {
        kind: "failed",
        reason,
        message: `${reason}: what to do next`,
      });
      const failed = await eventually(
        () => get(name),
        (b) => b.status?.phase === "Failed",
      );
      assert.equal(condition(failed, "Succeeded")?.reason, reason);
      assert.match(condition(failed, "Succeeded")?.message ?? "", /what to do next/);
      assert.equal(condition(failed, "Ready")?.status, "False");
    });
  }

  test("a missing root-password Secret fails with ReferenceNotFound, naming it", async () => {
    await apply(
      uniqueBuild(
        "no-secret",
        set("spec.install.rootPassword", { secretKeyRef: { name: "missing", key: "hash" } }),
      ),
    );
    const failed = await eventually(
      () => get("no-secret"),
      (b) => b.status?.phase === "Failed",
    );
    assert.equal(condition(failed, "Succeeded")?.reason, "ReferenceNotFound");
    assert.match(condition(failed, "Succeeded")?.message ?? "", /Secret default\/missing does not exist/);
  });

  test("an unsupported release is refused at admission, naming the field and the supported ones", async () => {
    await assert.rejects(
      apply(uniqueBuild("old-release", set("spec.os.release", "7"))),
      /spec\.os\.release: .*unsupported openeuler release; supported: 20\.03-LTS/,
    );
    await assert.rejects(get("old-release"), /NotFound/);
  });

  test("a spec change mid-build starts a new generation with a new key", async () => {
    await apply(uniqueBuild("edited"));
    const first = await eventually(
      () => get("edited"),
      (b) => b.status?.buildKey !== undefined,
    );
    await cp.kubectl(
      ["patch", "rootfsbuild", "edited", "--type=merge", "-p", '{"spec":{"install":{"packages":["vim"]}}}'],
      { check: true },
    );
    const second = await eventually(
      () => get("edited"),
      (b) => b.status?.observedGeneration === 2 && b.status.buildKey !== first.status?.buildKey,
    );
    assert.equal(second.metadata.generation, 2);
    assert.ok(backend.keysAdvancedFor("edited").includes(second.status?.buildKey ?? ""));
  });

  test("deleting a build runs the backend's cleanup, then lets it go", async () => {
    await apply(uniqueBuild("doomed"));
    await eventually(
      () => get("doomed"),
      (b) => b.metadata.finalizers?.includes("rootfs.dev/cleanup") === true,
    );
    await cp.kubectl(["delete", "rootfsbuild", "doomed", "--wait=true", "--timeout=20s"], { check: true });
    assert.ok(backend.cleaned.includes("doomed"));
  });
});
