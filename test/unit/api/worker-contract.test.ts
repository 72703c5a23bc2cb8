import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  extractResultSchema,
  parseWorkerMessage,
  terminationMessageLimit,
  workerFailureSchema,
} from "../../../src/api/worker-contract.js";
import { extractResult } from "../kubevirt-backend/fixtures.js";

describe("worker termination messages", () => {
  test("a failure names a documented reason", () => {
    const message = JSON.stringify({ reason: "ChecksumMismatch", message: "expected a, got b" });
    assert.deepEqual(parseWorkerMessage(workerFailureSchema, message), {
      reason: "ChecksumMismatch",
      message: "expected a, got b",
    });
    assert.equal(
      parseWorkerMessage(workerFailureSchema, JSON.stringify({ reason: "Oops", message: "x" })),
      undefined,
    );
  });

  test("text that is not JSON, or no text, is no result", () => {
    assert.equal(parseWorkerMessage(workerFailureSchema, "panic: runtime error"), undefined);
    assert.equal(parseWorkerMessage(extractResultSchema, undefined), undefined);
    assert.equal(parseWorkerMessage(extractResultSchema, ""), undefined);
  });

  test("an extract result with every artifact kind fits the kubelet's 4096 bytes", () => {
    const kinds = ["nfsroot", "cgz", "kernel", "initrd", "modules", "tarball", "qcow2", "manifest"] as const;
    const artifacts = kinds.map((kind) => ({
      kind,
      location: `os/openeuler/x86_64/24.03-LTS-iso-20260301120000/${kind}.file`,
      size: 123_456_789_012,
      sha256: "f".repeat(64),
    }));
    const result = { ...extractResult, artifacts };
    const text = JSON.stringify(result);
    assert.ok(text.length < terminationMessageLimit, `${text.length} bytes`);
    assert.deepEqual(parseWorkerMessage(extractResultSchema, text), result);
  });
});
