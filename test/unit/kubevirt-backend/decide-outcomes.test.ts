// decide() beyond the table: what a success reports, and the checks that need their own setup.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { describeState } from "./decide-table.js";
import { at, condition, decideFor, extracting, extractResult, fixture, pod, prepared } from "./fixtures.js";

describe("decide(): outcomes", () => {
  test("an ISO whose size is unknown gets a PVC sized for a large DVD", async () => {
    const f = await fixture();
    const decision = decideFor(f, { ...prepared(f), isoPvc: undefined }, at(1));
    const pvc = decision.actions[0];
    assert.equal(pvc?.kind, "create");
    assert.deepEqual((pvc.object.spec as { resources: unknown }).resources, {
      requests: { storage: "19Gi" },
    });
  });

  test("success reports the artifacts, the worker's facts and the step times", async () => {
    const f = await fixture();
    const snap = extracting(f, [condition("Complete", 40)]);
    snap.extractPods = [
      pod(snap.extractJob as never, { exitCode: 0, message: JSON.stringify(extractResult) }),
    ];
    const { state } = decideFor(f, snap, at(41));
    assert.equal(state.kind, "succeeded");
    // PVC locations come relative to the worker's --out; the catalog records them from the claim's root.
    assert.deepEqual(
      state.artifacts.map((a) => a.location),
      ["openeuler/24.03/os/rootfs.cgz"],
    );
    assert.equal(state.kernelVersion, "6.6.0-test");
    assert.equal(state.packageCount, 321);
    assert.equal(state.sourceSHA256, f.ctx.sourceSHA256);
    assert.deepEqual(state.storage, {
      pvc: { namespace: "builds", claimName: "rootfs-artifacts", subPath: "openeuler/24.03" },
    });
    assert.deepEqual(
      state.steps?.map((s) => s.name),
      ["fetch", "install", "extract"],
    );
    assert.equal(state.steps?.[1]?.completionTime, at(30));
  });

  test("the catalog records where the Job was told to publish, whatever storage the worker names", async () => {
    const f = await fixture();
    const snap = extracting(f, [condition("Complete", 40)]);
    const elsewhere = { pvc: { namespace: "victim", claimName: "their-claim", subPath: "" } };
    const message = JSON.stringify({ ...extractResult, storage: elsewhere });
    snap.extractPods = [pod(snap.extractJob as never, { exitCode: 0, message })];
    const { state } = decideFor(f, snap, at(41));
    assert.equal(state.kind, "succeeded");
    assert.deepEqual(state.storage, {
      pvc: { namespace: "builds", claimName: "rootfs-artifacts", subPath: "openeuler/24.03" },
    });
  });

  for (const [what, location] of [
    ["an s3:// URL, with no S3 storage", "s3://rootfs/os/rootfs.tar.gz"],
    ["a path climbing out of the subPath", "../../victim/rootfs.cgz"],
    ["an absolute path", "/etc/shadow"],
  ] as const) {
    test(`a worker result with ${what} is refused: ExtractFailed, nothing published`, async () => {
      const f = await fixture();
      const snap = extracting(f, [condition("Complete", 40)]);
      const artifacts = [
        ...extractResult.artifacts,
        { kind: "tarball", location, size: 9, sha256: "e".repeat(64) },
      ];
      snap.extractPods = [
        pod(snap.extractJob as never, {
          exitCode: 0,
          message: JSON.stringify({ ...extractResult, artifacts }),
        }),
      ];
      const decision = decideFor(f, snap, at(41));
      assert.equal(describeState(decision), "failed ExtractFailed");
      assert.match(
        decision.state.kind === "failed" ? decision.state.message : "",
        /outside the build's storage/,
      );
    });
  }

  test("the extract result's Pod not cached yet: wait for it rather than fail", async () => {
    const f = await fixture();
    const decision = decideFor(f, extracting(f, [condition("Complete", 9)]), at(9.5));
    assert.equal(describeState(decision), "running extract");
    const later = decideFor(f, extracting(f, [condition("Complete", 9)]), at(20));
    assert.equal(describeState(later), "failed ExtractFailed");
  });
});
