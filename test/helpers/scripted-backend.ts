import type { RootfsBuild } from "../../src/api/rootfsbuild.js";
import type { Artifact } from "../../src/api/common.js";
import type { RootfsImage } from "../../src/api/rootfsimage.js";
import type { ArtifactCleanup, BackendState, BuildBackend, BuildRun } from "../../src/controller/backend.js";
import type { ResolvedStorage } from "../../src/controller/builders/storage.js";

/**
 * A backend whose state per build key the test sets, standing in for Jobs and VMs when the test is
 * about the reconciler's decisions. It records every call, so tests can count the work done.
 */
export class ScriptedBackend implements BuildBackend {
  readonly pollIntervalMs = 100;
  readonly advanced: { build: string; key: string; sourceURL: string }[] = [];
  readonly cleaned: string[] = [];
  /** Artifact locations the reconciler asked to delete, per pruned catalog entry. */
  readonly deletedArtifacts = new Map<string, string[]>();
  /** Storage PVCs (namespace/claim) that do not exist: builds publishing there wait. */
  readonly missingClaims = new Set<string>();
  private readonly states = new Map<string, BackendState>();

  set(key: string, state: BackendState): void {
    this.states.set(key, state);
  }

  advance(run: BuildRun): Promise<BackendState> {
    this.advanced.push({
      build: run.build.metadata.name,
      key: run.inputs.key,
      sourceURL: run.inputs.sourceURL,
    });
    const state = this.states.get(run.inputs.key) ?? { kind: "running", step: "fetch", message: "Fetching" };
    // Like the real backends, it publishes where the run says: the build's storage.
    if (state.kind !== "succeeded") return Promise.resolve(state);
    const { pvc, s3 } = run.storage;
    const namespace = run.build.metadata.namespace ?? "";
    return Promise.resolve({
      ...state,
      storage: {
        ...(pvc && { pvc: { namespace, claimName: pvc.claimName, subPath: pvc.subPath } }),
        ...(s3 && { s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: s3.prefix } }),
      },
    });
  }

  cleanup(build: RootfsBuild): Promise<void> {
    this.cleaned.push(build.metadata.name);
    return Promise.resolve();
  }

  readonly retired: { build: string; key: string }[] = [];

  retireStale(run: BuildRun): Promise<void> {
    this.retired.push({ build: run.build.metadata.name, key: run.inputs.key });
    return Promise.resolve();
  }

  storageOf(build: RootfsBuild): ResolvedStorage {
    return build.spec.storage ?? { pvc: { claimName: "rootfs-artifacts", subPath: "" } };
  }

  storageMissing(build: RootfsBuild, storage: ResolvedStorage): Promise<string | undefined> {
    const claim = `${build.metadata.namespace}/${storage.pvc?.claimName}`;
    return Promise.resolve(
      this.missingClaims.has(claim) ? `Waiting for PersistentVolumeClaim ${claim}` : undefined,
    );
  }

  deleteFiles(image: RootfsImage, artifacts: Artifact[]): Promise<ArtifactCleanup> {
    const locations = artifacts.map((a) => a.location);
    this.deletedArtifacts.set(image.metadata.name, locations);
    return Promise.resolve({ deleted: locations, left: [] });
  }

  keysAdvancedFor(build: string): string[] {
    return [...new Set(this.advanced.filter((a) => a.build === build).map((a) => a.key))];
  }
}

export const succeeded = (bytes = 1000): Extract<BackendState, { kind: "succeeded" }> => ({
  kind: "succeeded",
  artifacts: [
    { kind: "cgz", location: "tiny/rootfs.cgz", size: bytes, sha256: "c".repeat(64) },
    { kind: "kernel", location: "tiny/vmlinuz", size: 100, sha256: "d".repeat(64) },
  ],
  storage: { pvc: { namespace: "default", claimName: "rootfs-artifacts", subPath: "tiny" } },
  kernelVersion: "6.1.0-test",
  steps: [],
});
