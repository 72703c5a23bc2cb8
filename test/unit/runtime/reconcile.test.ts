import { test } from "node:test";
import assert from "node:assert/strict";
import { isTerminalError, requeueAfter, soonest, TerminalError } from "../../../src/runtime/reconcile.js";
import { objectKey, splitKey } from "../../../src/runtime/object-key.js";
import { parseListenAddress } from "../../../src/runtime/health.js";
import { mapToOwner } from "../../../src/runtime/controller.js";

void test("TerminalError is recognised directly and as a cause", () => {
  assert.equal(isTerminalError(new TerminalError("bad spec")), true);
  assert.equal(isTerminalError(new Error("wrapped", { cause: new TerminalError("bad spec") })), true);
  assert.equal(isTerminalError(new Error("transient")), false);
  assert.equal(isTerminalError("string"), false);
});

void test("requeueAfter and soonest", () => {
  assert.deepEqual(requeueAfter(500), { requeueAfterMs: 500 });
  assert.deepEqual(soonest(requeueAfter(500), requeueAfter(200)), { requeueAfterMs: 200 });
  assert.deepEqual(soonest(undefined, requeueAfter(200)), { requeueAfterMs: 200 });
  assert.deepEqual(soonest({ requeue: true }, requeueAfter(200)), { requeue: true });
  assert.equal(soonest(undefined, undefined), undefined);
});

void test("object keys", () => {
  assert.equal(objectKey({ metadata: { name: "a", namespace: "ns" } }), "ns/a");
  assert.equal(objectKey({ metadata: { name: "node1" } }), "node1");
  assert.deepEqual(splitKey("ns/a"), { namespace: "ns", name: "a" });
  assert.deepEqual(splitKey("node1"), { name: "node1" });
});

void test("mapToOwner: the controlling owner of the given kind and group", () => {
  const owned = {
    metadata: {
      name: "b-install",
      namespace: "ns",
      ownerReferences: [
        { apiVersion: "v1", kind: "ConfigMap", name: "other", uid: "1" },
        { apiVersion: "rootfs.dev/v1alpha1", kind: "RootfsBuild", name: "b", uid: "2", controller: true },
      ],
    },
  };
  assert.deepEqual(mapToOwner("RootfsBuild")(owned), ["ns/b"]);
  assert.deepEqual(mapToOwner("RootfsBuild", "rootfs.dev")(owned), ["ns/b"]);
  assert.deepEqual(mapToOwner("RootfsBuild", "other.dev")(owned), []);
  assert.deepEqual(mapToOwner("ConfigMap")(owned), [], "not the controller");
});

void test("parseListenAddress", () => {
  assert.deepEqual(parseListenAddress(":8080"), { port: 8080 });
  assert.deepEqual(parseListenAddress("127.0.0.1:0"), { host: "127.0.0.1", port: 0 });
  assert.deepEqual(parseListenAddress("[::1]:9090"), { host: "::1", port: 9090 });
  assert.deepEqual(parseListenAddress("8080"), { port: 8080 });
  assert.throws(() => parseListenAddress("localhost:http"), /no valid port/);
});
