// spec.refresh.keep on a real apiserver: a daily ISO changes six times; the catalog keeps the current
// entry and the newest `keep` earlier ones, plus an entry another build still uses.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import type { BackendState } from "../../../src/controller/backend.js";
import type { Manager } from "../../../src/runtime/index.js";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { rootfsBuild, set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { startServer, type TestServer } from "../../helpers/http-server.js";
import { repoRoot } from "../../helpers/paths.js";
import { ScriptedBackend } from "../../helpers/scripted-backend.js";
import { startScriptedOperator } from "./env.js";

const keep = 2;
const days = 6;
const digestOf = (day: number) => (0xda1 * 1000 + day).toString(16).padStart(64, "0");

/** Where the build of `key` publishes: places of its own, as compass-ci lays them out. */
const locationsOf = (key: string) => [
  `daily/os/tree-${key.slice(0, 8)}`,
  `daily/initrd/${key.slice(0, 8)}.cgz`,
];

const publishedAt = (key: string): BackendState => ({
  kind: "succeeded",
  artifacts: [
    { kind: "nfsroot", location: locationsOf(key)[0] ?? "", size: 10 },
    { kind: "cgz", location: locationsOf(key)[1] ?? "", size: 20 },
  ],
  storage: { pvc: { namespace: "default", claimName: "rootfs-artifacts", subPath: "daily" } },
  steps: [],
});

describe("spec.refresh.keep on a real apiserver", () => {
  let cp: ControlPlane;
  let operator: Manager;
  let server: TestServer;
  const backend = new ScriptedBackend();
  let checksumFile = "";

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp, [path.join(repoRoot, "crds")]);
    await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
    server = await startServer((req, res) => {
      if (req.url === "/daily.iso.sha256sum") res.writeHead(200).end(checksumFile);
      else res.writeHead(404).end();
    });
    // The checksum file is served over plain http on loopback, which the operator refuses by default.
    operator = await startScriptedOperator(cp, backend, {
      sources: { allowPlainHTTP: true, allowPrivateAddresses: true },
    });
  });
  after(async () => {
    await operator?.stop();
    await server?.close();
    await cp?.stop();
  });

  const apply = (manifest: unknown) =>
    cp.kubectl(["apply", "--server-side", "-f", "-"], { stdin: stringify(manifest), check: true });
  const get = async (name: string): Promise<RootfsBuild> =>
    JSON.parse(
      (await cp.kubectl(["get", "rootfsbuild", name, "-o", "json"], { check: true })).stdout,
    ) as RootfsBuild;
  const entriesOf = async (build: string): Promise<string[]> =>
    (
      JSON.parse((await cp.kubectl(["get", "rootfsimages", "-o", "json"], { check: true })).stdout) as {
        items: RootfsImage[];
      }
    ).items
      .filter((i) => i.spec.createdFrom.name === build)
      .map((i) => i.metadata.name)
      .sort();

  test(`six ISOs later the catalog holds the current entry, the ${keep} before it and the one in use`, async () => {
    const daily = rootfsBuild(
      "daily",
      set("spec.source.iso", {
        url: `${server.url}/daily.iso`,
        checksumURL: `${server.url}/daily.iso.sha256sum`,
      }),
      set("spec.refresh", { interval: "1s", keep }),
    );
    const images: string[] = [];
    const keys: string[] = [];
    let lastKey: string | undefined;
    for (let day = 1; day <= days; day++) {
      checksumFile = `${digestOf(day)}  daily.iso\n`;
      if (day === 1) await apply(daily);
      const started = await eventually(
        () => get("daily"),
        (b) => b.status?.buildKey !== undefined && b.status.buildKey !== lastKey,
      );
      lastKey = started.status?.buildKey ?? "";
      keys.push(lastKey);
      assert.equal(started.status?.isoSHA256, digestOf(day));
      backend.set(lastKey, publishedAt(lastKey));
      const done = await eventually(
        () => get("daily"),
        (b) => b.status?.phase === "Succeeded" && b.status.buildKey === lastKey,
      );
      images.push(done.status?.image ?? "");

      if (day === 1) {
        // Another build of the same ISO, pinned by a literal checksum, takes day 1's entry as a catalog hit.
        await apply(
          rootfsBuild(
            "pinned",
            set("spec.source.iso", { url: `${server.url}/daily.iso`, checksum: `sha256:${digestOf(1)}` }),
          ),
        );
        const pinned = await eventually(
          () => get("pinned"),
          (b) => b.status?.phase === "Succeeded",
        );
        assert.equal(pinned.status?.image, images[0]);
      }
      // The current entry, `keep` earlier ones and the pinned one: never more, at any point.
      const expected = new Set([...images.slice(-(keep + 1)), images[0]]);
      const held = await eventually(
        () => entriesOf("daily"),
        (names) => names.length === expected.size,
      );
      assert.deepEqual(held, [...expected].sort());
      // creationTimestamp has one-second resolution: let each entry be a second older than the next.
      await new Promise((r) => setTimeout(r, 1100));
    }

    // The entries pruned are days 2 and 3, with exactly their artifacts, each announced by an Event.
    assert.deepEqual(
      Object.fromEntries(backend.deletedArtifacts),
      Object.fromEntries([1, 2].map((d) => [images[d], locationsOf(keys[d] ?? "")])),
    );
    const events = JSON.parse(
      (
        await cp.kubectl(["get", "events", "-o", "json", "--field-selector", "reason=Pruned"], {
          check: true,
        })
      ).stdout,
    ) as { items: { involvedObject: { name: string }; message: string }[] };
    assert.deepEqual(
      events.items.map((e) => e.involvedObject.name),
      ["daily", "daily"],
    );
    assert.match(
      events.items.map((e) => e.message).join("\n"),
      new RegExp(
        `Deleted catalog entry ${images[1]}, older than the 2 kept by spec.refresh.keep; deleted 2 artifacts`,
      ),
    );

    // Once the pinned build is gone, its entry is past the retention count and goes on the next pass.
    await cp.kubectl(["delete", "rootfsbuild", "pinned", "--wait=true", "--timeout=20s"], { check: true });
    const final = await eventually(
      () => entriesOf("daily"),
      (names) => names.length === keep + 1,
    );
    assert.deepEqual(final, images.slice(-(keep + 1)).sort());
  });
});
