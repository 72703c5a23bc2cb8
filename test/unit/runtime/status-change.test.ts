import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonEqual } from "../../../src/runtime/json-equal.js";
import { statusChanged } from "../../../src/runtime/status.js";

void test("statusChanged: compares the JSON that would be written", () => {
  const cases: [string, unknown, unknown, boolean][] = [
    ["identical", { phase: "A" }, { phase: "A" }, false],
    ["key order", { a: 1, b: 2 }, { b: 2, a: 1 }, false],
    ["undefined key = absent", { phase: "A" }, { phase: "A", message: undefined }, false],
    ["both missing", undefined, undefined, false],
    ["added", undefined, { phase: "A" }, true],
    ["removed", { phase: "A" }, undefined, true],
    ["value", { phase: "A" }, { phase: "B" }, true],
    ["nested", { c: [{ type: "Ready", status: "True" }] }, { c: [{ type: "Ready", status: "False" }] }, true],
    ["array order", { list: [1, 2] }, { list: [2, 1] }, true],
    ["array length", { list: [1] }, { list: [1, 1] }, true],
    ["null vs absent", { a: null }, {}, true],
    ["array vs object", { a: [] }, { a: {} }, true],
    ["Date vs its string", { t: "2024-01-01T00:00:00.000Z" }, { t: new Date("2024-01-01T00:00:00Z") }, false],
    ["number vs string", { n: 1 }, { n: "1" }, true],
  ];
  for (const [name, before, after, changed] of cases) {
    assert.equal(statusChanged({ status: before }, { status: after }), changed, name);
  }
});

void test("statusChanged: only status counts", () => {
  const original = { metadata: { resourceVersion: "1" }, spec: { a: 1 }, status: { phase: "A" } };
  const draft = structuredClone(original);
  draft.metadata.resourceVersion = "2";
  draft.spec.a = 2;
  assert.equal(statusChanged(original, draft), false);
  draft.status.phase = "B";
  assert.equal(statusChanged(original, draft), true);
});

void test("jsonEqual: scalars", () => {
  assert.equal(jsonEqual(1, 1), true);
  assert.equal(jsonEqual("a", "b"), false);
  assert.equal(jsonEqual(null, undefined), false);
  assert.equal(jsonEqual({ a: { b: [1, { c: true }] } }, { a: { b: [1, { c: true }] } }), true);
});
