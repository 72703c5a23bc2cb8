// Trust boundaries between namespaces, on a real apiserver: who may use whose catalog entries, who
// waits for whom (and for how long), and whether a waiting build learns anything of other tenants.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { inNamespace, rootfsBuild, set, type Manifest, type Modifier } from "../../helpers/builds.js";
import { succeeded } from "../../helpers/scripted-backend.js";
import { conditionOf, startReconcilerEnv, type ReconcilerEnv } from "./env.js";

let iso = 0x7e000;
/** Builds of one ISO digest (a fresh one per call), so each test has keys of its own. */
function isoBuilds(): (name: string, namespace: string, ...mods: Modifier[]) => Manifest {
  const digest = `sha256:${(++iso).toString(16).padStart(64, "0")}`;
  return (name, namespace, ...mods) =>
    rootfsBuild(name, inNamespace(namespace), set("spec.source.iso.checksum", digest), ...mods);
}
const storage = (claimName: string) => set("spec.storage", { pvc: { claimName, subPath: "" } });
const message = (b: RootfsBuild) => conditionOf(b)?.message ?? "";
const hasKey = (b: RootfsBuild) => b.status?.buildKey !== undefined;

/** Applies `manifest`, lets the backend finish its key, and returns the build once it has succeeded. */
async function buildToSuccess(env: ReconcilerEnv, manifest: Manifest): Promise<RootfsBuild> {
  const { name, namespace } = manifest.metadata;
  await env.apply(manifest);
  const started = await env.until(name, hasKey, namespace);
  env.backend.set(started.status?.buildKey ?? "", succeeded());
  return env.until(name, (b) => b.status?.phase === "Succeeded", namespace);
}

describe("tenancy: namespaces on their own", () => {
  let env: ReconcilerEnv;
  before(async () => {
    env = await startReconcilerEnv({ claimDuration: "3s" }, ["default", "team-a", "team-b"]);
  });
  after(() => env?.stop());

  test("a build waiting for its storage claims nothing: an identical build goes ahead", async () => {
    const build = isoBuilds();
    env.backend.missingClaims.add("team-a/not-yet");
    await env.apply(build("stuck", "team-a", storage("not-yet")));
    const stuck = await env.until(
      "stuck",
      (b) => /Waiting for PersistentVolumeClaim/.test(message(b)),
      "team-a",
    );
    assert.equal(stuck.status?.phase, "Pending");
    await env.apply(build("unstuck", "team-a", storage("exists")));
    const key = stuck.status?.buildKey ?? "";
    await env.until("unstuck", (b) => b.status?.phase === "Fetching", "team-a");
    assert.deepEqual(env.backend.keysAdvancedFor("unstuck"), [key]);
    assert.deepEqual(env.backend.keysAdvancedFor("stuck"), []);
  });

  test("identical builds in two namespaces each work, and neither learns of the other", async () => {
    const build = isoBuilds();
    await env.apply(build("twin", "team-a"));
    await env.until("twin", (b) => b.status?.phase === "Fetching", "team-a");
    await env.apply(build("twin", "team-b"));
    const b = await env.until("twin", (x) => x.status?.phase === "Fetching", "team-b");
    assert.doesNotMatch(JSON.stringify(b.status), /team-a/);
    env.backend.set(b.status?.buildKey ?? "", succeeded());
    const [doneA, doneB] = [
      await env.until("twin", (x) => x.status?.phase === "Succeeded", "team-a"),
      await env.until("twin", (x) => x.status?.phase === "Succeeded", "team-b"),
    ];
    // Each namespace's entry serves that namespace only: two entries for one key.
    assert.equal(conditionOf(doneA)?.reason, "Built");
    assert.equal(conditionOf(doneB)?.reason, "Built");
    assert.notEqual(doneA.status?.image, doneB.status?.image);
    const entries = (await env.images()).filter((i) => i.spec.buildKey === doneA.status?.buildKey);
    assert.deepEqual(entries.map((i) => i.spec.createdFrom.namespace).sort(), ["team-a", "team-b"]);
  });

  test("another namespace's entry is not a catalog hit; one of its own namespace is", async () => {
    const build = isoBuilds();
    const first = await buildToSuccess(env, build("first", "team-a"));

    await env.apply(build("again", "team-a"));
    const again = await env.until("again", (b) => b.status?.phase === "Succeeded", "team-a");
    assert.equal(conditionOf(again)?.reason, "CatalogHit");
    assert.deepEqual(env.backend.keysAdvancedFor("again"), []);

    env.backend.set(first.status?.buildKey ?? "", { kind: "running", step: "install" });
    await env.apply(build("elsewhere", "team-b"));
    const elsewhere = await env.until("elsewhere", (b) => b.status?.phase === "Installing", "team-b");
    assert.equal(elsewhere.status?.image, undefined);
  });

  test("spec.catalogName is first come, first served: no other key or namespace takes it over", async () => {
    const mine = isoBuilds();
    await env.apply(mine("owner", "team-a", set("spec.catalogName", "golden")));
    const owner = await env.until("owner", hasKey, "team-a");
    env.backend.set(owner.status?.buildKey ?? "", succeeded());
    await env.until("owner", (b) => b.status?.image === "golden", "team-a");

    const theirs = isoBuilds();
    await env.apply(theirs("squatter", "team-b", set("spec.catalogName", "golden")));
    const squatter = await env.until("squatter", (b) => b.status?.phase === "Failed", "team-b");
    assert.equal(conditionOf(squatter)?.reason, "CatalogNameTaken");
    assert.match(message(squatter), /choose another spec\.catalogName/);
    assert.doesNotMatch(message(squatter), /team-a/);
    assert.deepEqual(env.backend.keysAdvancedFor("squatter"), [], "it did no work for a name it cannot have");
    // The same key from another namespace cannot have the name either: the entry is not its to use.
    await env.apply(mine("same-key", "team-b", set("spec.catalogName", "golden")));
    const sameKey = await env.until("same-key", (b) => b.status?.phase === "Failed", "team-b");
    assert.equal(conditionOf(sameKey)?.reason, "CatalogNameTaken");
    const golden = (await env.images()).find((i) => i.metadata.name === "golden");
    assert.equal(golden?.spec.createdFrom.uid, owner.metadata.uid);
  });

  test("a holder that stops renewing its claim is taken over once the claim lapses", async () => {
    const build = isoBuilds();
    await env.apply(build("holder", "default"));
    const holder = await env.until("holder", (b) => b.status?.phase === "Fetching");
    const key = holder.status?.buildKey ?? "";
    await env.apply(build("waiter", "default"));
    await env.until("waiter", (b) => /Waiting for default\/holder,/.test(message(b)));
    // The holder is blocked on something only its user can fix: it stops renewing (claimDuration 3s).
    env.backend.set(key, { kind: "running", step: "install", message: "Blocked", waiting: true });
    const started = Date.now();
    await env.until("waiter", (b) => b.status?.phase === "Installing", "default", 30_000);
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 15_000, `the takeover took ${tookMs} ms`);
    assert.ok(env.backend.keysAdvancedFor("waiter").includes(key));
  });
});

describe("tenancy: storage the admin declared shared", () => {
  let env: ReconcilerEnv;
  before(async () => {
    env = await startReconcilerEnv(
      {
        catalog: {
          shared: [
            { namespace: "pub-a", pvc: { claimName: "golden" } },
            { namespace: "pub-b", pvc: { claimName: "golden" } },
          ],
        },
      },
      ["default", "pub-a", "pub-b", "team-c"],
    );
  });
  after(() => env?.stop());

  test("an entry in shared storage serves every namespace", async () => {
    const build = isoBuilds();
    await buildToSuccess(env, build("publish", "pub-a", storage("golden")));
    await env.apply(build("consume", "team-c"));
    const consumer = await env.until("consume", (b) => b.status?.phase === "Succeeded", "team-c");
    assert.equal(conditionOf(consumer)?.reason, "CatalogHit");
    assert.deepEqual(env.backend.keysAdvancedFor("consume"), []);
  });

  test("the same claim name in an undeclared namespace publishes for that namespace only", async () => {
    const build = isoBuilds();
    const lookalike = await buildToSuccess(env, build("lookalike", "team-c", storage("golden")));
    env.backend.set(lookalike.status?.buildKey ?? "", { kind: "running", step: "extract" });
    await env.apply(build("other", "pub-a", storage("golden")));
    await env.until("other", (b) => b.status?.phase === "Extracting", "pub-a");
  });

  test("publishers wait for each other without learning each other's namespace", async () => {
    const build = isoBuilds();
    await env.apply(build("first", "pub-a", storage("golden")));
    await env.until("first", (b) => b.status?.phase === "Fetching", "pub-a");
    await env.apply(build("second", "pub-b", storage("golden")));
    const second = await env.until("second", (b) => /^Waiting for another build/.test(message(b)), "pub-b");
    assert.doesNotMatch(JSON.stringify(second.status), /pub-a|first/);
    await sleep(300);
    assert.deepEqual(env.backend.keysAdvancedFor("second"), []);
  });
});
