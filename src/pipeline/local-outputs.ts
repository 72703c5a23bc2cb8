import { copyFile, mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Artifact } from "../api/common.js";
import type { RootfsBuildSpec } from "../api/rootfsbuild-spec.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { AnswerFileRequest } from "../installers/index.js";
import { extract, type ExtractResult } from "../steps/extract/index.js";
import { exists, removeTree, sha256OfFile } from "../lib/files.js";
import { planLayout, type StagedOutput } from "../steps/publish/layout.js";
import { assertInside, resolvesInside } from "../steps/publish/contained.js";
import { listDir, publishLocal } from "../steps/publish/local.js";
import { toolVersion } from "../version.js";
import { readManifest, type Manifest } from "../api/output-manifest.js";
import type { ProgressListener } from "../plan/progress.js";
import type { StepRunner } from "./step-runner.js";
import { treeDigest } from "./tree-digest.js";

export interface PublishedBuild {
  manifest: Manifest;
  manifestPath: string;
}

/**
 * Extracts the installed disk into a staging directory beside the outputs (same filesystem, so the
 * publish is a set of renames), then lays the outputs out and writes the manifest last.
 */
export async function extractAndPublish(o: {
  build: RootfsBuild;
  key: string;
  sourceSHA256: string;
  disk: { path: string; format: "qcow2" | "raw" };
  rootPassword?: AnswerFileRequest["rootPassword"];
  outDir: string;
  /** Every write lies inside this directory by real path (the local backend's claim directory). */
  containedIn?: string;
  steps: StepRunner;
  onProgress: ProgressListener;
}): Promise<PublishedBuild> {
  const { spec } = o.build;
  const { outputs } = spec;
  const staging = path.join(o.outDir, `.staging-${o.key.slice(0, 12)}`);
  if (o.containedIn) await assertInside(o.containedIn, staging);
  await removeTree(staging);
  await mkdir(staging, { recursive: true });
  try {
    const extracted = await o.steps.run("extract", "Extracting the installed disk", () =>
      extract({
        disk: o.disk.path,
        format: o.disk.format,
        outDir: staging,
        outputs: {
          nfsroot: outputs.nfsroot,
          cgz: outputs.cgz,
          tarball: outputs.tarball,
          kernel: outputs.kernel,
          splitModules: outputs.layout === "compass-ci",
        },
        postProcess: { ...outputs.postProcess, rootPassword: o.rootPassword ?? { kind: "unchanged" } },
        onProgress: o.onProgress,
      }),
    );
    if (outputs.qcow2) await copyFile(o.disk.path, path.join(staging, "disk.qcow2"));
    return await o.steps.run("publish", `Publishing to ${o.outDir}`, async () => {
      const staged = stagedOutputs(extracted, outputs.qcow2);
      const builtAt = new Date();
      const tarballName = extracted.tarball && path.basename(extracted.tarball);
      const plan = planLayout(outputs.layout, {
        os: spec.os,
        staged: staged.map((s) => s.name),
        tarballName,
        kernelVersion: extracted.kernelVersion,
        builtAt,
        existingOsimages: await listDir(
          path.join(o.outDir, "initrd", "osimage", spec.os.distro, spec.os.arch, spec.os.release),
        ),
      });
      const where = new Map(plan.moves.map((m) => [m.from, m.to]));
      const artifacts = await Promise.all(
        staged.map((s) => describe(s, path.join(staging, s.file), where.get(s.name))),
      );
      const manifest: Manifest = {
        buildKey: o.key,
        toolVersion,
        name: o.build.metadata.name,
        os: spec.os,
        sourceSHA256: o.sourceSHA256,
        kernelVersion: extracted.kernelVersion,
        packageCount: extracted.packageCount,
        layout: outputs.layout,
        builtAt: builtAt.toISOString(),
        artifacts,
      };
      const files = new Map(staged.map((s) => [s.name, path.join(staging, s.file)]));
      await publishLocal(o.outDir, files, plan, manifest, o.containedIn);
      return { manifest, manifestPath: path.join(o.outDir, plan.manifest) };
    });
  } finally {
    await removeTree(staging);
  }
}

/**
 * The published output for `key`, if every artifact its manifest lists is still there (and, with
 * `containedIn`, the manifest and every artifact lie inside it by real path).
 */
export async function findPublished(
  outDir: string,
  spec: RootfsBuildSpec,
  key: string,
  containedIn?: string,
): Promise<PublishedBuild | undefined> {
  const present = (file: string) => (containedIn ? resolvesInside(containedIn, file) : exists(file));
  const candidates =
    spec.outputs.layout === "flat"
      ? [path.join(outDir, "manifest.json")]
      : (await listDir(path.join(outDir, "builds", spec.os.distro, spec.os.arch))).map((d) =>
          path.join(outDir, "builds", spec.os.distro, spec.os.arch, d, "manifest.json"),
        );
  for (const manifestPath of candidates) {
    if (!(await present(manifestPath))) continue;
    const manifest = await readManifest(manifestPath);
    if (manifest?.buildKey !== key) continue;
    const found = await Promise.all(manifest.artifacts.map((a) => present(path.join(outDir, a.location))));
    if (found.every(Boolean)) return { manifest, manifestPath };
  }
  return undefined;
}

interface Staged {
  name: StagedOutput;
  kind: Artifact["kind"];
  /** File name inside the staging directory. */
  file: string;
}

function stagedOutputs(extracted: ExtractResult, qcow2: boolean): Staged[] {
  const staged: Staged[] = [];
  const add = (file: string | undefined, name: StagedOutput, kind: Artifact["kind"]) => {
    if (file) staged.push({ name, kind, file: path.basename(file) });
  };
  add(extracted.nfsroot, "rootfs", "nfsroot");
  add(extracted.cgz, "rootfs.cgz", "cgz");
  add(extracted.modulesCgz, "modules.cgz", "modules");
  add(extracted.kernel, "vmlinuz", "kernel");
  add(extracted.initrd, "initrd.img", "initrd");
  add(extracted.tarball, "rootfs.tar", "tarball");
  if (qcow2) staged.push({ name: "disk.qcow2", kind: "qcow2", file: "disk.qcow2" });
  return staged;
}

async function describe(staged: Staged, file: string, location: string | undefined): Promise<Artifact> {
  if (!location) throw new Error(`The ${staged.kind} output has no place in the layout`);
  if (staged.kind === "nfsroot") {
    const tree = await treeDigest(file);
    return { kind: staged.kind, location, size: tree.bytes, sha256: tree.sha256 };
  }
  return { kind: staged.kind, location, size: (await stat(file)).size, sha256: await sha256OfFile(file) };
}
