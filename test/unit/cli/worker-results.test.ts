// What `rootfs worker` writes to its termination message, which the kubelet cuts at 4096 bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { failureFitting } from "../../../src/cli/commands/worker.js";
import { diskImageSize } from "../../../src/cli/commands/worker-install.js";
import { terminationMessageLimit } from "../../../src/api/worker-contract.js";

const size = (result: object) => Buffer.byteLength(JSON.stringify(result));

test("a failure that fits is kept whole", () => {
  const message =
    "The install ran longer than 3m; the last console lines were:\nRunning post-installation scripts";
  assert.deepEqual(failureFitting("InstallTimeout", message), { reason: "InstallTimeout", message });
});

test("a long console excerpt keeps its first line and as many last lines as fit", () => {
  const lines = Array.from({ length: 60 }, (_, i) => `console line ${i} ${"=".repeat(120)}`);
  const message = ["The install ran longer than 3m; the last console lines were:", ...lines].join("\n");
  const fitted = failureFitting("InstallTimeout", message);
  assert.ok(size(fitted) <= terminationMessageLimit, `${size(fitted)} bytes`);
  const kept = fitted.message.split("\n");
  assert.equal(kept[0], "The install ran longer than 3m; the last console lines were:");
  assert.equal(kept[1], "…");
  assert.equal(kept.at(-1), lines.at(-1));
  assert.ok(kept.length > 20, `only ${kept.length} lines kept`);
});

test("one huge line is cut", () => {
  const fitted = failureFitting("InstallFailed", "x".repeat(10_000));
  assert.ok(size(fitted) <= terminationMessageLimit);
});

test("the install disk is the PVC less KubeVirt's filesystem overhead, in whole MiB", () => {
  assert.equal(diskImageSize(6 * 2 ** 30), Math.floor((6 * 2 ** 30 * 0.945) / 2 ** 20) * 2 ** 20);
  assert.equal(diskImageSize(6 * 2 ** 30) % 2 ** 20, 0);
});
