// A build's inputs are resolved once per generation: the checksum file is read when the generation
// starts, not on every pass, not after a restart, and a file that changes mid-build changes nothing.
// And the operator's default policy refuses the sources a tenant should not make it fetch.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { rootfsBuild, set } from "../../helpers/builds.js";
import { startServer, type TestServer } from "../../helpers/http-server.js";
import { succeeded } from "../../helpers/scripted-backend.js";
import { conditionOf, startReconcilerEnv, type ReconcilerEnv } from "./env.js";

const digest = (n: number) => n.toString(16).padStart(64, "0");

describe("inputs: resolved once per generation", () => {
  let env: ReconcilerEnv;
  let server: TestServer;
  const files = new Map<string, string>();
  const sumsRequests = (name: string) => server.requests.filter((r) => r.url === `/${name}.sha256sum`).length;

  before(async () => {
    server = await startServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200).end(body);
    });
    env = await startReconcilerEnv({ sources: { allowPlainHTTP: true, allowPrivateAddresses: true } });
  });
  after(async () => {
    await env?.stop();
    await server?.close();
  });

  const fromChecksumFile = (name: string) =>
    rootfsBuild(
      name,
      set("spec.source.iso", {
        url: `${server.url}/${name}.iso`,
        checksumURL: `${server.url}/${name}.sha256sum`,
      }),
    );

  test("the checksum file is read once: not on later passes, not after a restart", async () => {
    files.set("/steady.sha256sum", `${digest(1)}  steady.iso\n`);
    await env.apply(fromChecksumFile("steady"));
    const running = await env.until("steady", (b) => b.status?.phase === "Fetching");
    assert.equal(running.status?.source?.checksum, `sha256:${digest(1)}`);
    // The scripted backend asks to be looked at every 100 ms: some 20 passes.
    await sleep(2000);
    assert.ok(env.backend.advanced.filter((a) => a.build === "steady").length > 5);
    assert.equal(sumsRequests("steady"), 1);
    await env.restart();
    await sleep(1500);
    assert.equal(
      sumsRequests("steady"),
      1,
      "a restart renders the answer file again, but reads no checksum file",
    );
    assert.equal((await env.get("steady")).status?.buildKey, running.status?.buildKey);
  });

  test("a checksum file that changes mid-build changes neither the key nor what is verified", async () => {
    files.set("/daily.sha256sum", `${digest(2)}  daily.iso\n`);
    await env.apply(fromChecksumFile("daily"));
    const first = await env.until("daily", (b) => b.status?.phase === "Fetching");
    files.set("/daily.sha256sum", `${digest(3)}  daily.iso\n`);
    await env.restart();
    await sleep(1500);
    const key = first.status?.buildKey ?? "";
    assert.deepEqual(env.backend.keysAdvancedFor("daily"), [key]);
    env.backend.set(key, succeeded());
    const done = await env.until("daily", (b) => b.status?.phase === "Succeeded");
    assert.equal(done.status?.isoSHA256, digest(2));
    const image = (await env.images()).find((i) => i.metadata.name === done.status?.image);
    assert.equal(image?.spec.isoSHA256, digest(2));
    assert.equal(sumsRequests("daily"), 1);
  });

  test("a backend that verified another digest than the pinned one publishes nothing", async () => {
    files.set("/liar.sha256sum", `${digest(4)}  liar.iso\n`);
    await env.apply(fromChecksumFile("liar"));
    const running = await env.until("liar", (b) => b.status?.phase === "Fetching");
    env.backend.set(running.status?.buildKey ?? "", { ...succeeded(), sourceSHA256: digest(5) });
    const failed = await env.until("liar", (b) => b.status?.phase === "Failed");
    assert.equal(conditionOf(failed)?.reason, "ChecksumMismatch");
    assert.match(conditionOf(failed)?.message ?? "", /nothing was published/);
    assert.deepEqual(
      (await env.images()).filter((i) => i.spec.buildKey === running.status?.buildKey),
      [],
    );
  });
  test("spec.source.official is looked up once: the newest daily ISO then, and its checksum file", async () => {
    const tree = "/EBS-openEuler-24.03-LTS/";
    const iso = (day: string) =>
      `openeuler-2026-12-${day}-08-00-00/ISO/x86_64/openEuler-24.03-LTS-x86_64-dvd.iso`;
    const listing = (days: string[]) =>
      days
        .map((d) => `<a href="openeuler-2026-12-${d}-08-00-00/">openeuler-2026-12-${d}-08-00-00/</a>`)
        .join("\n");
    files.set(tree, listing(["01", "02"]));
    files.set(`${tree}${iso("02")}.sha256sum`, `${digest(6)}  openEuler-24.03-LTS-x86_64-dvd.iso\n`);
    files.set(`${tree}${iso("03")}.sha256sum`, `${digest(7)}  openEuler-24.03-LTS-x86_64-dvd.iso\n`);
    await env.apply(
      rootfsBuild("official", set("spec.source", { official: { daily: true, mirror: server.url } })),
    );
    const running = await env.until("official", (b) => b.status?.phase === "Fetching");
    assert.deepEqual(running.status?.source, {
      url: `${server.url}${tree}${iso("02")}`,
      checksum: `sha256:${digest(6)}`,
    });
    assert.equal(
      env.backend.advanced.find((a) => a.build === "official")?.sourceURL,
      running.status?.source?.url,
    );
    // A newer daily build appears mid-build: the build keeps the ISO it started with.
    files.set(tree, listing(["01", "02", "03"]));
    await env.restart();
    await sleep(1500);
    assert.deepEqual((await env.get("official")).status?.source, running.status?.source);
    assert.equal(server.requests.filter((r) => r.url === tree).length, 1);
  });
});

describe("inputs: the operator's default source policy", () => {
  let env: ReconcilerEnv;
  before(async () => {
    env = await startReconcilerEnv();
  });
  after(() => env?.stop());

  const literal = `sha256:${digest(9)}`;
  for (const [what, iso, expected] of [
    [
      "plain http",
      { url: "http://mirror.example/os.iso", checksum: literal },
      /plain http sources are not allowed/,
    ],
    ["file://", { url: "file:///etc/shadow", checksum: literal }, /file:\/\/ sources are not allowed/],
    [
      "insecureSkipChecksum",
      { url: "https://mirror.example/os.iso", insecureSkipChecksum: true },
      /insecureSkipChecksum is not allowed/,
    ],
    ["a loopback host", { url: "https://127.0.0.1:6443/os.iso", checksum: literal }, /loopback address/],
    [
      "the metadata service",
      { url: "https://mirror.example/os.iso", checksumURL: "https://169.254.169.254/latest/meta-data/" },
      /link-local address/,
    ],
  ] as const) {
    test(`${what} is refused: SourceNotAllowed, and nothing is fetched or built`, async () => {
      const name = `refused-${what.replace(/[^a-z]+/g, "-").replace(/-$/, "")}`;
      await env.apply(rootfsBuild(name, set("spec.source.iso", iso)));
      const failed: RootfsBuild = await env.until(name, (b) => b.status?.phase === "Failed");
      assert.equal(conditionOf(failed)?.reason, "SourceNotAllowed");
      assert.match(conditionOf(failed)?.message ?? "", expected);
      assert.deepEqual(env.backend.keysAdvancedFor(name), []);
    });
  }
});
