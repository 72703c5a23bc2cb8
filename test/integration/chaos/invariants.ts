// The state every run must end in, however often the operator died on the way: every build done, one
// child per step (never a twin, never a re-creation), one catalog entry per build key, and nothing left
// over but what the design keeps (the extract Jobs, whose Pods hold the results).
import assert from "node:assert/strict";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { rootfsBuildRef, rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import { coreRefs, type KubeObject, type ResourceRef } from "../../../src/runtime/index.js";
import { children } from "../kubevirt-backend/fake-cluster/index.js";
import { namespace, succeededCondition, type Env } from "../kubevirt-backend/env.js";
import { describe, madeKinds, type Ledger, type Made } from "./ledger.js";

export interface Expected {
  /** Builds that did the work: one child of each step each. */
  builders: RootfsBuild[];
  /** Builds that took a builder's catalog entry (same build key): no children at all. */
  catalogHits?: RootfsBuild[];
}

const stepLabel = "rootfs.dev/step";
const identity = ["rootfs.dev/build", "rootfs.dev/build-key", "rootfs.dev/iso-key", stepLabel];

/** The steps every builder has exactly one child of (Secrets are checked for twins only: see below). */
export const expectedSteps = {
  "PersistentVolumeClaim/iso": 1,
  "Job/prepare": 1,
  "PersistentVolumeClaim/disk": 1,
  "VirtualMachine/install": 1,
  "Job/extract": 1,
};

/** Asserts the end state; returns a line saying what was checked, for the test's log. */
export async function assertConverged(env: Env, ledger: Ledger, expected: Expected): Promise<string> {
  const builders = await assertDone(env, expected.builders, "Built");
  const catalogHits = await assertDone(env, expected.catalogHits ?? [], "CatalogHit");
  assertNoTwins(ledger);
  for (const build of builders) assert.deepEqual(stepsOf(ledger, build), expectedSteps, nameOf(build));
  for (const build of catalogHits) {
    assert.deepEqual(ledger.ownedBy(uidOf(build)).map(describe), [], `${nameOf(build)} made children`);
  }
  const keys = new Set([...builders, ...catalogHits].map((b) => b.status?.buildKey));
  assert.equal(keys.size, builders.length, "one builder per build key");
  await assertOneImagePerKey(env, ledger, keys);
  const leftovers = await assertNothingLeftOver(env, builders);
  return (
    `${builders.length + catalogHits.length} builds done; ${ledger.all().length} objects made, ` +
    `no twins; ${leftovers}`
  );
}

/** The builds as they are now, each Succeeded for `reason` and Ready. */
async function assertDone(env: Env, builds: RootfsBuild[], reason: string): Promise<RootfsBuild[]> {
  const done: RootfsBuild[] = [];
  for (const { metadata } of builds) {
    const build = await env.client.getOrUndefined<RootfsBuild>(rootfsBuildRef, metadata.name, namespace);
    assert.ok(build && build.metadata.uid === metadata.uid, `${metadata.name} is gone or was re-created`);
    assert.equal(build.status?.phase, "Succeeded", `${metadata.name}: ${JSON.stringify(build.status)}`);
    assert.equal(succeededCondition(build)?.reason, reason, metadata.name);
    const ready = build.status?.conditions?.find((c) => c.type === "Ready");
    assert.equal(ready?.status, "True", `${metadata.name} Ready: ${JSON.stringify(ready)}`);
    done.push(build);
  }
  return done;
}

/**
 * A name never had two uids (no child was made again after a crash), and no two objects stand for the
 * same thing under different names (same kind and identifying labels).
 */
export function assertNoTwins(ledger: Ledger): void {
  const byName = new Map<string, Made[]>();
  const byIdentity = new Map<string, Made[]>();
  for (const made of ledger.all()) {
    const name = describe(made);
    byName.set(name, [...(byName.get(name) ?? []), made]);
    if (made.ref.kind === "RootfsImage" || made.ref.kind === "Lease") continue;
    const id = `${made.ref.kind} ${identity.map((l) => made.labels[l] ?? "").join("|")}`;
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), made]);
  }
  const twins = [...byName.values(), ...byIdentity.values()].filter((group) => group.length > 1);
  assert.deepEqual(
    twins.map((group) => group.map((m) => `${describe(m)} uid ${m.uid}`)),
    [],
    "made twice",
  );
}

/** How many children of each kind/step ever named the build as an owner (Secrets aside). */
export function stepsOf(ledger: Ledger, build: RootfsBuild): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const made of ledger.ownedBy(uidOf(build))) {
    // Whether the operator owns Secrets by the build or by another child is its own business.
    if (made.ref.kind === "Secret") continue;
    const key = `${made.ref.kind}/${made.labels[stepLabel]}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

async function assertOneImagePerKey(env: Env, ledger: Ledger, keys: Set<string | undefined>): Promise<void> {
  const made = ledger
    .all(rootfsImageRef)
    .map((m) => (m.object as unknown as RootfsImage).spec.buildKey)
    .filter((key) => keys.has(key));
  assert.deepEqual(made.sort(), [...keys].sort(), "RootfsImages ever created, by build key");
  const { items } = await env.client.list<RootfsImage>(rootfsImageRef);
  const now = items.map((i) => i.spec.buildKey).filter((key) => keys.has(key));
  assert.deepEqual(now.sort(), [...keys].sort(), "RootfsImages now, by build key");
}

/**
 * What remains of the operator's objects: each is gone, going, or collectable (every owner gone, so
 * the garbage collector, which this control plane lacks, takes it); the only ones still owned are the
 * builders' extract Jobs. No claim Lease outlives a finished build.
 */
async function assertNothingLeftOver(env: Env, builders: RootfsBuild[]): Promise<string> {
  const kept: string[] = [];
  let collectable = 0;
  let going = 0;
  for (const { ref, namespace: ns } of madeKinds) {
    if (ref.kind === "RootfsImage") continue;
    const { items } = await env.client.list(ref, {
      namespace: ns,
      labelSelector: "app.kubernetes.io/managed-by=rootfs-operator",
    });
    for (const object of items) {
      const what = `${ref.kind} ${object.metadata.namespace}/${object.metadata.name}`;
      assert.notEqual(ref.kind, "Lease", `${what} outlived its build: ${JSON.stringify(object.spec)}`);
      if (object.metadata.deletionTimestamp) {
        going++;
        continue;
      }
      const owners = object.metadata.ownerReferences ?? [];
      assert.ok(owners.length > 0, `${what} has no owner: nothing would ever delete it`);
      const live = await liveOwners(env, object);
      if (live.length === 0) {
        collectable++;
        continue;
      }
      const extractOf = builders.find((b) => live.includes(uidOf(b)));
      assert.ok(
        ref.kind === "Job" && object.metadata.labels?.[stepLabel] === "extract" && extractOf,
        `${what} was left behind (owners ${JSON.stringify(owners)})`,
      );
      kept.push(what);
    }
  }
  assert.equal(kept.length, builders.length, `one extract Job per builder is kept: ${kept.join(", ")}`);
  return `left: ${kept.length} extract Jobs, ${going} going, ${collectable} for the garbage collector`;
}

const ownerRefs: Record<string, ResourceRef> = {
  RootfsBuild: rootfsBuildRef,
  Job: coreRefs.job,
  PersistentVolumeClaim: coreRefs.pvc,
  Secret: coreRefs.secret,
  VirtualMachine: children.install,
};

/** Uids of the object's owners that exist (that very uid) and are not being deleted. */
export async function liveOwners(env: Env, object: KubeObject): Promise<string[]> {
  const live: string[] = [];
  for (const owner of object.metadata.ownerReferences ?? []) {
    const ref = ownerRefs[owner.kind];
    assert.ok(ref, `unexpected owner kind ${owner.kind} of ${object.metadata.name}`);
    const found = await env.client.getOrUndefined(ref, owner.name, object.metadata.namespace);
    if (found?.metadata.uid === owner.uid && !found.metadata.deletionTimestamp) live.push(owner.uid);
  }
  return live;
}

function uidOf(build: RootfsBuild): string {
  return build.metadata.uid ?? "";
}

function nameOf(build: RootfsBuild): string {
  return build.metadata.name;
}
