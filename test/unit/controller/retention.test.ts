// decideRetention(): which of a refreshed build's earlier catalog entries spec.refresh.keep deletes.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Artifact } from "../../../src/api/common.js";
import { apiVersion } from "../../../src/api/group.js";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { decideRetention } from "../../../src/controller/retention.js";

type BuildMod = (b: RootfsBuild) => void;
type ImageMod = (i: RootfsImage) => void;

const key = (n: number) => n.toString(16).padStart(64, "0");

function build(name: string, ...mods: BuildMod[]): RootfsBuild {
  const b: RootfsBuild = {
    apiVersion,
    kind: "RootfsBuild",
    metadata: { name, namespace: "default", uid: `${name}-uid`, generation: 1 },
    spec: {
      source: { iso: { url: "http://x/os.iso", checksumURL: "http://x/os.iso.sha256sum" } },
      os: { distro: "openeuler", release: "24.03-LTS", arch: "x86_64" },
      refresh: { interval: "6h", keep: 2 },
    } as RootfsBuild["spec"],
  };
  for (const mod of mods) mod(b);
  return b;
}
const succeededWith =
  (image: string, k = 0): BuildMod =>
  (b) => {
    b.status = { phase: "Succeeded", image, buildKey: key(k) };
  };
const withoutRefresh: BuildMod = (b) => delete b.spec.refresh;
const keeping =
  (n: number): BuildMod =>
  (b) =>
    (b.spec.refresh = { interval: "6h", keep: n });

/** Entry `day-<n>`, made by `from` on day n, with its own compass-ci tree. */
function image(n: number, from: RootfsBuild, ...mods: ImageMod[]): RootfsImage {
  const i: RootfsImage = {
    apiVersion,
    kind: "RootfsImage",
    metadata: {
      name: `day-${n}`,
      uid: `day-${n}-uid`,
      creationTimestamp: `2026-03-${String(n).padStart(2, "0")}T04:00:00Z`,
    },
    spec: {
      os: from.spec.os,
      buildKey: key(n),
      layout: "compass-ci",
      size: "1Ki",
      artifacts: [
        artifact("nfsroot", `os/openeuler/x86_64/24.03-LTS-iso-202603${n}`),
        artifact("cgz", `initrd/osimage/openeuler/x86_64/24.03-LTS/202603${n}.0.cgz`),
      ],
      storage: { pvc: { namespace: "default", claimName: "os", subPath: "" } },
      createdFrom: {
        namespace: from.metadata.namespace ?? "",
        name: from.metadata.name,
        uid: from.metadata.uid ?? "",
        generation: 1,
      },
    },
  };
  for (const mod of mods) mod(i);
  return i;
}
const artifact = (kind: Artifact["kind"], location: string): Artifact => ({ kind, location, size: 1 });
const withArtifacts =
  (...artifacts: Artifact[]): ImageMod =>
  (i) =>
    (i.spec.artifacts = artifacts);
const createdAt =
  (timestamp: string): ImageMod =>
  (i) =>
    (i.metadata.creationTimestamp = timestamp);

const daily = build("daily");
/** Days 1..n of `daily`, newest first, so the order must come from the timestamps. */
const days = (n: number, ...mods: ImageMod[]) =>
  Array.from({ length: n }, (_, d) => image(n - d, daily, ...mods));
const names = (decision: ReturnType<typeof decideRetention>) =>
  decision.prune.map((p) => p.image.metadata.name);

describe("decideRetention", () => {
  test("keeps the current entry and the newest `keep` earlier ones; prunes the rest, oldest first", () => {
    const current = build("daily", succeededWith("day-6", 6));
    assert.deepEqual(names(decideRetention(current, days(6), [current])), ["day-1", "day-2", "day-3"]);
  });

  test("with no more than `keep` earlier entries, nothing goes", () => {
    const current = build("daily", succeededWith("day-3", 3));
    assert.deepEqual(decideRetention(current, days(3), [current]), { prune: [], held: [] });
  });

  const noPrune: [string, RootfsBuild][] = [
    ["a build without spec.refresh", build("daily", withoutRefresh, succeededWith("day-6", 6))],
    ["a build whose latest run failed", build("daily", (b) => (b.status = { phase: "Failed" }))],
    ["a build still running", build("daily", (b) => (b.status = { phase: "Installing", buildKey: key(7) }))],
  ];
  for (const [why, b] of noPrune) {
    test(`prunes nothing for ${why}`, () => {
      assert.deepEqual(decideRetention(b, days(6), [b]).prune, []);
    });
  }

  test("an entry another build reports as its image, or whose key it builds, is held", () => {
    const current = build("daily", succeededWith("day-6", 6));
    const pinned = build("pinned", succeededWith("day-1", 1));
    const rebuilding = build("rebuilding", (b) => (b.status = { phase: "Pending", buildKey: key(2) }));
    const decision = decideRetention(current, days(6), [current, pinned, rebuilding]);
    assert.deepEqual(names(decision), ["day-3"]);
    assert.deepEqual(decision.held, [
      { image: "day-2", by: "default/rebuilding" },
      { image: "day-1", by: "default/pinned" },
    ]);
  });

  test("only entries this build made count: same-name builds of the past and other builds are left", () => {
    const current = build("daily", keeping(1), succeededWith("day-4", 4));
    const earlierIncarnation = build("daily", (b) => (b.metadata.uid = "old-uid"));
    const other = build("other");
    const images = [...days(4), image(20, earlierIncarnation), image(21, other)];
    assert.deepEqual(names(decideRetention(current, images, [current])), ["day-1", "day-2"]);
  });

  test("the current entry may be another build's (a catalog hit after a refresh)", () => {
    const current = build("daily", keeping(1), succeededWith("theirs", 9));
    const theirs = image(9, build("other"), (i) => (i.metadata.name = "theirs"));
    assert.deepEqual(names(decideRetention(current, [...days(3), theirs], [current])), ["day-1", "day-2"]);
  });

  test("orders by creation time, then by name within the same second", () => {
    const current = build("daily", keeping(1), succeededWith("day-9", 9));
    const images = [
      image(9, daily),
      image(1, daily, createdAt("2026-03-05T00:00:00Z")),
      image(2, daily, createdAt("2026-03-05T00:00:00Z")),
      image(3, daily, createdAt("2026-03-04T00:00:00Z")),
    ];
    assert.deepEqual(names(decideRetention(current, images, [current])), ["day-3", "day-1"]);
  });

  test("flat layout: files every ISO wrote to the same paths stay; only the entry goes", () => {
    const flat = withArtifacts(artifact("nfsroot", "tiny/rootfs"), artifact("cgz", "tiny/rootfs.cgz"));
    const current = build("daily", keeping(1), succeededWith("day-3", 3));
    const decision = decideRetention(current, days(3, flat), [current]);
    assert.deepEqual(names(decision), ["day-1"]);
    assert.deepEqual(decision.prune[0]?.artifacts, []);
  });

  test("a pruned directory holding a kept entry's file stays; the entry's other files go", () => {
    const current = build("daily", keeping(1), succeededWith("day-3", 3));
    const images = [
      image(1, daily, withArtifacts(artifact("nfsroot", "x/rootfs"), artifact("cgz", "x/one.cgz"))),
      image(2, daily, withArtifacts(artifact("modules", "x/rootfs/boot/modules.cgz"))),
      image(3, daily),
    ];
    const [pruned] = decideRetention(current, images, [current]).prune;
    assert.equal(pruned?.image.metadata.name, "day-1");
    assert.deepEqual(
      pruned.artifacts.map((a) => a.location),
      ["x/one.cgz"],
    );
  });

  test("a pruned file inside a kept entry's directory stays", () => {
    const current = build("daily", keeping(1), succeededWith("day-3", 3));
    const images = [
      image(1, daily, withArtifacts(artifact("modules", "x/rootfs/boot/m.cgz"), artifact("cgz", "y.cgz"))),
      image(2, daily, withArtifacts(artifact("nfsroot", "x/rootfs/"))),
      image(3, daily),
    ];
    const [pruned] = decideRetention(current, images, [current]).prune;
    assert.deepEqual(
      pruned?.artifacts.map((a) => a.location),
      ["y.cgz"],
    );
  });

  test("the same location in another claim or bucket endpoint is another file", () => {
    const current = build("daily", keeping(1), succeededWith("day-3", 3));
    const inClaim =
      (claimName: string): ImageMod =>
      (i) =>
        (i.spec.storage = { pvc: { namespace: "default", claimName, subPath: "" } });
    const flat = withArtifacts(artifact("cgz", "rootfs.cgz"), artifact("tarball", "s3://b/rootfs.tar.gz"));
    const images = [
      image(
        1,
        daily,
        flat,
        inClaim("a"),
        (i) => (i.spec.storage.s3 = { endpoint: "http://one", bucket: "b", prefix: "" }),
      ),
      image(
        2,
        daily,
        flat,
        inClaim("b"),
        (i) => (i.spec.storage.s3 = { endpoint: "http://two", bucket: "b", prefix: "" }),
      ),
      image(3, daily),
    ];
    const pruned = decideRetention(current, images, [current]).prune;
    assert.deepEqual(
      pruned[0]?.artifacts.map((a) => a.location),
      ["rootfs.cgz", "s3://b/rootfs.tar.gz"],
    );
  });
});
