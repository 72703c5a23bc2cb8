// deleteClaimFiles(): a pruned entry's files in the local backend's claim directory, on a real
// filesystem laid out as compass-ci publishes two builds.
import assert from "node:assert/strict";
import { lstat, mkdir, mkdtemp, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Artifact } from "../../../src/api/common.js";
import { apiVersion } from "../../../src/api/group.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { deleteClaimFiles } from "../../../src/controller/delete-artifacts.js";

const key = (c: string) => c.repeat(64);
const os = "os/openeuler/x86_64";
const osimage = "initrd/osimage/openeuler/x86_64/24.03-LTS";
const builds = "builds/openeuler/x86_64";

function entry(tree: string, cgz: string, buildKey: string): RootfsImage {
  const artifacts: Artifact[] = [
    { kind: "nfsroot", location: `${os}/${tree}`, size: 1 },
    { kind: "cgz", location: `${osimage}/${cgz}`, size: 1 },
    { kind: "kernel", location: `${builds}/${tree}/vmlinuz`, size: 1 },
  ];
  return {
    apiVersion,
    kind: "RootfsImage",
    metadata: { name: tree },
    spec: {
      os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
      buildKey,
      layout: "compass-ci",
      size: "3",
      artifacts,
      storage: { pvc: { namespace: "default", claimName: "os", subPath: "" } },
      createdFrom: { namespace: "default", name: "daily", uid: "u", generation: 1 },
    },
  };
}

describe("deleteClaimFiles", () => {
  let storage: string;
  let claim: string;
  const old = entry("24.03-LTS-iso-20260301040000", "20260301.0.cgz", key("1"));
  const kept = entry("24.03-LTS-iso-20260302040000", "20260302.0.cgz", key("2"));

  before(async () => {
    storage = await mkdtemp(path.join(tmpdir(), "delete-artifacts-"));
    claim = path.join(storage, "default", "os");
    for (const e of [old, kept]) {
      const [tree, cgz, kernel] = e.spec.artifacts.map((a) => path.join(claim, a.location)) as [
        string,
        string,
        string,
      ];
      await mkdir(path.join(tree, "bin"), { recursive: true });
      await writeFile(path.join(tree, "bin", "sh"), "");
      await mkdir(path.dirname(cgz), { recursive: true });
      await writeFile(cgz, "");
      await mkdir(path.dirname(kernel), { recursive: true });
      await writeFile(kernel, "");
      const manifest = { buildKey: e.spec.buildKey, toolVersion: "t", name: "daily", os: e.spec.os };
      await writeFile(
        path.join(path.dirname(kernel), "manifest.json"),
        JSON.stringify({
          ...manifest,
          sourceSHA256: key("a"),
          layout: "compass-ci",
          builtAt: "2026-03-01T04:00:00Z",
          artifacts: [],
        }),
      );
    }
    await symlink("20260302.0.cgz", path.join(claim, osimage, "current"));
  });
  after(() => rm(storage, { recursive: true, force: true }));

  const present = (location: string) =>
    lstat(path.join(claim, location)).then(
      () => true,
      () => false,
    );

  test("deletes the entry's tree, cgz and kernel, its manifest and the directory they leave empty", async () => {
    const result = await deleteClaimFiles(storage, old, old.spec.artifacts);
    assert.deepEqual(
      result.deleted,
      old.spec.artifacts.map((a) => a.location),
    );
    assert.deepEqual(result.left, []);
    for (const a of old.spec.artifacts) assert.equal(await present(a.location), false, a.location);
    assert.equal(await present(`${builds}/24.03-LTS-iso-20260301040000`), false, "emptied builds/ directory");

    for (const a of kept.spec.artifacts) assert.equal(await present(a.location), true, a.location);
    assert.equal(await present(`${builds}/24.03-LTS-iso-20260302040000/manifest.json`), true);
    assert.equal(await readlink(path.join(claim, osimage, "current")), "20260302.0.cgz");
  });

  test("a second pass finds nothing left and reports no error", async () => {
    const result = await deleteClaimFiles(storage, old, old.spec.artifacts);
    assert.deepEqual(result.left, []);
  });

  test("refuses a location outside the claim", async () => {
    const outside = path.join(storage, "default", "other-claim");
    await mkdir(outside, { recursive: true });
    const escape: Artifact = { kind: "cgz", location: "../other-claim", size: 1 };
    const result = await deleteClaimFiles(storage, old, [escape]);
    assert.deepEqual(result, {
      deleted: [],
      left: [{ location: "../other-claim", why: "it lies outside the claim" }],
    });
    assert.ok((await lstat(outside)).isDirectory());
  });
});
