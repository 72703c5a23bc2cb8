// The local backend's --storage-dir is shared by every namespace's claims, and published guest trees
// hold symlinks. A symlink left there (by an earlier build's tree, or a subPath component) must never
// carry a later build's write, or a pruned entry's delete, outside: on a real filesystem.
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Artifact } from "../../../src/api/common.js";
import { apiVersion } from "../../../src/api/group.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { parseRootfsBuild } from "../../../src/api/validate.js";
import type { BackendState } from "../../../src/controller/backend.js";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { deleteClaimFiles } from "../../../src/controller/delete-artifacts.js";
import { LocalBackend } from "../../../src/controller/local-backend.js";
import { silentLogger } from "../../../src/runtime/index.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { publishLocal } from "../../../src/steps/publish/local.js";
import { rootfsBuild, set } from "../../helpers/builds.js";

let work: string;
/** --storage-dir, and a directory beside it that nothing may touch. */
let storageDir: string;
let outside: string;
/** The claim "shared" of namespace "team-a", as the local backend lays claims out. */
let claim: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "local-containment-"));
  storageDir = path.join(work, "storage");
  outside = path.join(work, "outside");
  claim = path.join(storageDir, "team-a", "shared");
  await mkdir(claim, { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, "victim"), "not yours");
});
afterEach(() => rm(work, { recursive: true, force: true }));

/** Everything under `outside`, as it was made in beforeEach unless something wrote or deleted there. */
async function outsideUntouched(): Promise<void> {
  assert.deepEqual(await readdir(outside), ["victim"]);
  assert.equal(await readFile(path.join(outside, "victim"), "utf8"), "not yours");
}

const refused = (err: unknown) =>
  err instanceof StepFailure &&
  err.reason === "PublishFailed" &&
  /leads outside .* through a symbolic link/.test(err.message);

describe("local backend: writes stay inside --storage-dir by real path", () => {
  test("a subPath component that is a symlink to outside: PublishFailed, nothing created there", async () => {
    // An earlier build's published tree left `escape -> <outside>` in the claim.
    await symlink(outside, path.join(claim, "escape"));
    const backend = new LocalBackend({
      storageDir,
      cacheDir: path.join(work, "cache"),
      config: operatorConfigSchema.parse({}),
    });
    const build = parseRootfsBuild({
      ...rootfsBuild("escaper", set("metadata.namespace", "team-a"), set("metadata.uid", "u-1")),
    });
    const run = {
      build,
      // Unreachable: a backend that wrote before checking would get as far as the download.
      inputs: { key: "k".repeat(64), sourceURL: "http://127.0.0.1:9/x.iso", sourceSHA256: "a".repeat(64) },
      storage: { pvc: { claimName: "shared", subPath: "escape/nested" } },
      refs: { secret: () => Promise.resolve(undefined), configMap: () => Promise.resolve(undefined) },
      log: silentLogger(),
    } as unknown as Parameters<LocalBackend["advance"]>[0];
    let state: BackendState = await backend.advance(run);
    for (let i = 0; state.kind === "running" && i < 100; i++) {
      await sleep(20);
      state = await backend.advance(run);
    }
    assert.equal(state.kind, "failed", JSON.stringify(state));
    assert.equal(state.kind === "failed" && state.reason, "PublishFailed");
    assert.match(state.kind === "failed" ? state.message : "", /escape\/nested leads outside/);
    await outsideUntouched();
  });

  test("a published tree's `etc -> /`-style link on the way to an output: PublishFailed", async () => {
    const outDir = path.join(claim, "tree");
    // The guest's tree, published earlier, holds a link out of the claim where the layout writes next.
    await mkdir(outDir);
    await symlink(outside, path.join(outDir, "boot"));
    const staging = path.join(outDir, ".staging");
    await mkdir(staging);
    await writeFile(path.join(staging, "vmlinuz"), "kernel");
    await assert.rejects(
      publishLocal(
        outDir,
        new Map([["vmlinuz", path.join(staging, "vmlinuz")]]),
        { moves: [{ from: "vmlinuz", to: "boot/x/vmlinuz" }], links: [], manifest: "manifest.json" },
        { buildKey: "k" },
        claim,
      ),
      refused,
    );
    await outsideUntouched();
    // The same link through the manifest's own directory, and through a link's.
    for (const plan of [
      { moves: [], links: [], manifest: "boot/manifest.json" },
      { moves: [], links: [{ path: "boot/current", target: "x" }], manifest: "manifest.json" },
    ]) {
      await assert.rejects(publishLocal(outDir, new Map(), plan, { buildKey: "k" }, claim), refused);
      await outsideUntouched();
    }
  });
});

describe("local backend: pruning deletes inside the claim only", () => {
  function entry(artifacts: Artifact[]): RootfsImage {
    return {
      apiVersion,
      kind: "RootfsImage",
      metadata: { name: "old" },
      spec: {
        os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
        buildKey: "b".repeat(64),
        layout: "flat",
        size: "1",
        artifacts,
        storage: { pvc: { namespace: "team-a", claimName: "shared", subPath: "" } },
        createdFrom: { namespace: "team-a", name: "old", uid: "u", generation: 1 },
      },
    };
  }

  test("a delete through a symlinked directory is refused and deletes nothing outside", async () => {
    await symlink(outside, path.join(claim, "etc"));
    const artifacts: Artifact[] = [
      { kind: "cgz", location: "etc/victim", size: 1 },
      { kind: "nfsroot", location: "etc/./victim", size: 1 },
    ];
    const result = await deleteClaimFiles(storageDir, entry(artifacts), artifacts);
    assert.deepEqual(result.deleted, []);
    assert.deepEqual(
      result.left.map((l) => l.why),
      ["it lies outside the claim", "it lies outside the claim"],
    );
    await outsideUntouched();
    assert.ok((await lstat(path.join(claim, "etc"))).isSymbolicLink(), "the link itself stays too");
  });

  test("an artifact that is itself a symlink out: the link goes, never what it points at", async () => {
    await symlink(outside, path.join(claim, "rootfs"));
    const artifacts: Artifact[] = [{ kind: "nfsroot", location: "rootfs", size: 1 }];
    const result = await deleteClaimFiles(storageDir, entry(artifacts), artifacts);
    assert.deepEqual(result.deleted, ["rootfs"]);
    await outsideUntouched();
    await assert.rejects(lstat(path.join(claim, "rootfs")), { code: "ENOENT" });
  });
});
