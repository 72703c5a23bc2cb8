import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { EventRecorder } from "../../../src/runtime/events.js";
import { coreRefs, type KubeObject } from "../../../src/runtime/kube-client.js";
import { startEnv, testLogger, type TestEnv } from "./env.js";

type Event = KubeObject & {
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host: string };
};

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

const eventsIn = async (ns: string) =>
  (await env.client.list<Event>(coreRefs.event, { namespace: ns })).items;

void test("events: repeats of the same event are folded into one with a count", async () => {
  const ns = await env.namespace("ev");
  const cm = await env.client.create<KubeObject>(coreRefs.configMap, {
    metadata: { name: "subject", namespace: ns },
  });
  const recorder = new EventRecorder(env.client, {
    component: "rootfs-operator",
    host: "test-host",
    log: testLogger(),
  });
  await recorder.record(cm, "Normal", "Created", "Created Job subject-fetch");
  void recorder.record(cm, "Normal", "Created", "Created Job subject-fetch");
  void recorder.record(cm, "Normal", "Created", "Created Job subject-fetch");
  void recorder.record(cm, "Warning", "InstallFailed", "VM did not boot; check spec.installer");
  await recorder.flush();

  const events = await eventsIn(ns);
  assert.equal(events.length, 2);
  const created = events.find((e) => e.reason === "Created")!;
  assert.equal(created.count, 3);
  assert.equal(created.type, "Normal");
  assert.equal(created.message, "Created Job subject-fetch");
  assert.deepEqual(created.source, { component: "rootfs-operator", host: "test-host" });
  assert.deepEqual(created.involvedObject, {
    apiVersion: "v1",
    kind: "ConfigMap",
    name: "subject",
    namespace: ns,
    uid: cm.metadata.uid,
    resourceVersion: cm.metadata.resourceVersion,
  });
  assert.ok(created.lastTimestamp >= created.firstTimestamp);
  const warning = events.find((e) => e.reason === "InstallFailed")!;
  assert.equal(warning.type, "Warning");
  assert.equal(warning.count, 1);
});

void test("events: cluster-scoped objects get events in the default namespace", async () => {
  const ns = await env.namespace("cluster-scoped");
  const namespaceObj = await env.client.get(coreRefs.namespace, ns);
  const recorder = new EventRecorder(env.client, { component: "rootfs-operator", log: testLogger() });
  await recorder.record(namespaceObj, "Normal", "Observed", `Saw namespace ${ns}`);
  const events = (await eventsIn("default")).filter((e) => e.involvedObject.name === ns);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.involvedObject.kind, "Namespace");
});

void test("events: a failing write is logged, never thrown; a deleted event is recreated", async () => {
  const ns = await env.namespace("failing");
  const recorder = new EventRecorder(env.client, { component: "rootfs-operator", log: testLogger() });
  const ghost: KubeObject = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "no-such-ns" },
  };
  await recorder.record(ghost, "Warning", "Broken", "goes nowhere"); // resolves despite the 404
  const cm = await env.client.create(coreRefs.configMap, { metadata: { name: "c", namespace: ns } });
  await recorder.record(cm, "Normal", "Again", "same message");
  const [first] = await eventsIn(ns);
  await env.client.delete(coreRefs.event, first!.metadata.name, ns);
  await recorder.record(cm, "Normal", "Again", "same message");
  const events = await eventsIn(ns);
  assert.equal(events.length, 1);
  assert.equal(events[0]?.count, 1);
  assert.notEqual(events[0]?.metadata.name, first!.metadata.name);
});
