// The README's main job through the operator: a real control plane, `rootfs operator --backend local`
// as a child process, `kubectl apply -f examples/tiny.yaml`, and the rootfs it leaves on disk.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import type { Manifest } from "../../../src/api/output-manifest.js";
import { sha256OfFile } from "../../../src/lib/files.js";
import type { ControlPlane } from "../../harness/control-plane.js";
import { eventually } from "../../helpers/eventually.js";
import type { TestServer } from "../../helpers/http-server.js";
import {
  startLocalOperatorEnv,
  type LocalOperatorEnv,
  type OperatorProcess,
} from "../../helpers/operator-process.js";
import { repoRoot } from "../../helpers/paths.js";
import { buildTinyInstaller, serveTinyInstaller } from "../../helpers/tiny-installer.js";
import { cpioNames } from "../extract/archive-contents.js";

const run = promisify(execFile);
const tinyYaml = path.join(repoRoot, "examples", "tiny.yaml");
const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");

describe("rootfs operator --backend local builds examples/tiny.yaml", { timeout: 30 * 60_000 }, () => {
  let cp: ControlPlane;
  let server: TestServer;
  let operator: OperatorProcess;
  let env: LocalOperatorEnv;
  let work: string;
  /** Where the local backend puts claim rootfs-artifacts, subPath tiny, of namespace default. */
  let out: string;

  before(async () => {
    const installer = await buildTinyInstaller();
    server = await serveTinyInstaller(installer);
    work = await mkdtemp(path.join(tmpdir(), "rootfs-operator-local-"));
    out = path.join(work, "storage", "default", "rootfs-artifacts", "tiny");
    env = await startLocalOperatorEnv(work, { accel: process.env.ROOTFS_E2E_ACCEL });
    ({ cp, operator } = env);
  });
  after(async () => {
    await env?.stop();
    await server?.close();
  });

  const get = async <T>(kind: string, name: string): Promise<T> =>
    JSON.parse((await cp.kubectl(["get", kind, name, "-o", "json"], { check: true })).stdout) as T;
  const succeeded = (b: RootfsBuild) => b.status?.conditions?.find((c) => c.type === "Succeeded");

  test("kubectl apply -f examples/tiny.yaml: Succeeded and Ready, through every step", async () => {
    const started = Date.now();
    await cp.kubectl(["apply", "-f", tinyYaml], { check: true });
    const phases: string[] = [];
    const done = await eventually(
      () => get<RootfsBuild>("rootfsbuild", "tiny"),
      (b) => {
        const phase = b.status?.phase ?? "";
        if (phase && phases[phases.length - 1] !== phase) phases.push(phase);
        return succeeded(b)?.status === "True" || succeeded(b)?.status === "False";
      },
      { timeoutMs: 25 * 60_000, intervalMs: 500 },
    );
    console.log(`tiny: ${phases.join(" → ")} in ${Math.round((Date.now() - started) / 1000)} s`);
    assert.equal(succeeded(done)?.status, "True", JSON.stringify(done.status, null, 2));
    assert.equal(succeeded(done)?.reason, "Built");
    assert.equal(done.status?.conditions?.find((c) => c.type === "Ready")?.status, "True");
    assert.ok(phases.includes("Installing"), `phases seen: ${phases.join(", ")}`);
    assert.deepEqual(
      done.status?.steps?.map((s) => s.name),
      ["fetch", "remaster", "install", "extract", "publish"],
    );
    assert.equal(operator.logged("Started local build").length, 1);
  });

  test("the rootfs is on disk: nfsroot tree, a cgz holding exactly it, the manifest's digests", async () => {
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as Manifest;
    for (const file of ["bin/sh", "etc/os-release"]) await access(path.join(out, "rootfs", file));
    assert.match(await readFile(path.join(out, "rootfs", "etc", "os-release"), "utf8"), /^ID=/m);
    for (const artifact of manifest.artifacts.filter((a) => a.kind !== "nfsroot")) {
      const file = path.join(out, artifact.location);
      assert.equal((await stat(file)).size, artifact.size, artifact.location);
      assert.equal(await sha256OfFile(file), artifact.sha256, artifact.location);
    }
    assert.deepEqual(manifest.artifacts.map((a) => a.kind).sort(), [
      "cgz",
      "initrd",
      "kernel",
      "nfsroot",
      "tarball",
    ]);

    const inCgz = (await cpioNames(path.join(out, "rootfs.cgz"), "gzip")).filter((n) => n !== ".").sort();
    const tree = (
      await run("find", [".", "-mindepth", "1"], {
        cwd: path.join(out, "rootfs"),
        maxBuffer: 64 << 20,
        // As cpioNames reads names: bytes, not UTF-8.
        encoding: "latin1",
      })
    ).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/^\.\//, ""))
      .sort();
    assert.ok(inCgz.includes("etc/os-release"));
    assert.deepEqual(inCgz, tree, "the cgz holds exactly the nfsroot's files");
  });

  test("a RootfsImage records the build: key, artifacts with their digests, the claim", async () => {
    const build = await get<RootfsBuild>("rootfsbuild", "tiny");
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as Manifest;
    const image = await get<RootfsImage>("rootfsimage", build.status?.image ?? "");
    assert.equal(image.spec.buildKey, build.status?.buildKey);
    assert.equal(image.spec.buildKey, manifest.buildKey);
    assert.equal(image.spec.kernelVersion, manifest.kernelVersion);
    assert.deepEqual(image.spec.storage.pvc, {
      namespace: "default",
      claimName: "rootfs-artifacts",
      subPath: "tiny",
    });
    assert.deepEqual(
      image.spec.artifacts,
      manifest.artifacts.map((a) => ({ ...a, location: path.join("tiny", a.location) })),
    );
    assert.deepEqual(build.status?.artifacts, image.spec.artifacts);
  });

  test("an identical second build is a catalog hit: Succeeded in seconds, no second install", async () => {
    const copy = parse(await readFile(tinyYaml, "utf8")) as { metadata: { name: string } };
    copy.metadata.name = "tiny-again";
    const started = Date.now();
    await cp.kubectl(["apply", "-f", "-"], { stdin: stringify(copy), check: true });
    const done = await eventually(
      () => get<RootfsBuild>("rootfsbuild", "tiny-again"),
      (b) => b.status?.phase === "Succeeded" || b.status?.phase === "Failed",
      { intervalMs: 100 },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`tiny-again: ${succeeded(done)?.reason} in ${seconds.toFixed(1)} s`);
    assert.equal(succeeded(done)?.reason, "CatalogHit");
    assert.equal(done.status?.image, (await get<RootfsBuild>("rootfsbuild", "tiny")).status?.image);
    assert.ok(seconds < 5, `catalog hit took ${seconds} s`);
    assert.equal(operator.logged("Started local build").length, 1, "the second build started no work");
  });

  test("rootfs verify boots the published kernel and cgz", async () => {
    const { stdout } = await run(process.execPath, [cli, "verify", out], { maxBuffer: 16 << 20 });
    assert.match(stdout, /^PASS /m);
  });
});
