// A checksum file that answers digest A the first time and the ISO's own digest B afterwards, through the
// kubevirt backend: the operator reads it once and pins A; the real `rootfs worker fetch` runs on the
// prepare Secret the operator made, as the prepare Pod's fetch container, and its result ends the build.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import { rootfsImageRef } from "../../../src/controller/rootfs-refs.js";
import type { KubeObject, Manager } from "../../../src/runtime/index.js";
import { set } from "../../helpers/builds.js";
import { serveBody, startServer, type TestServer } from "../../helpers/http-server.js";
import { repoRoot } from "../../helpers/paths.js";
import {
  applyBuild,
  loopbackSourcesConfig,
  buildUntil,
  startEnv,
  startOperator,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "./env.js";
import { childOf, childrenOf, configFilesOf, finishJob, type SecretVolume } from "./fake-cluster.js";

const iso = randomBytes(1024 * 1024);
const isoDigest = createHash("sha256").update(iso).digest("hex");
const firstAnswer = createHash("sha256").update("the first answer").digest("hex");

describe("kubevirt backend: a checksum file that answers differently the second time", () => {
  let env: Env;
  let operator: Manager;
  let server: TestServer;
  let work: string;

  before(async () => {
    let answers = 0;
    server = await startServer((req, res) => {
      if (req.url === "/os.iso") return serveBody(iso)(req, res);
      if (req.url === "/SHA256SUMS")
        return void res.end(`${answers++ === 0 ? firstAnswer : isoDigest}  os.iso\n`);
      res.writeHead(404).end();
    });
    work = await mkdtemp(path.join(tmpdir(), "lying-mirror-"));
    env = await startEnv();
    const config = loopbackSourcesConfig();
    operator = await startOperator(env, { config });
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  test("the worker verifies the pinned digest: ChecksumMismatch, no install, nothing published", async () => {
    const source = { url: `${server.url}/os.iso`, checksumURL: `${server.url}/SHA256SUMS` };
    const build = await applyBuild(env, uniqueBuild("lied-to", set("spec.source.iso", source)));
    const prepare = await childOf(env, build, "prepare");
    // The prepare Pod's fetch container, on the Secret mounted at /config.
    const config = await mountConfig(env, prepare, path.join(work, "config"));
    const result = path.join(work, "fetch-result");
    const fetched = await promisify(execFile)(process.execPath, [
      ...[path.join(repoRoot, "dist", "src", "cli", "main.js"), "worker", "fetch"],
      ...["--config", path.join(config, "prepare.json"), "--out", path.join(work, "source.iso")],
      ...["--result", result, "--cache", path.join(work, "cache")],
    ]).then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
    assert.notEqual(fetched, 0, "the fetch container failed");
    const message = await readFile(result, "utf8");
    await finishJob(env, prepare, { exitCode: 1, message, failed: "init" });

    const failed = await buildUntil(env, "lied-to", (b) => b.status?.phase === "Failed");
    const condition = succeededCondition(failed);
    assert.equal(condition?.reason, "ChecksumMismatch", condition?.message);
    assert.match(
      condition?.message ?? "",
      new RegExp(`expected sha256:${firstAnswer}, got sha256:${isoDigest}`),
    );
    const count = (url: string) => server.requests.filter((r) => r.url === url).length;
    assert.equal(count("/SHA256SUMS"), 1, "the checksum file was read once, by the operator");
    assert.equal(count("/os.iso"), 1, "the worker downloaded the ISO");
    const images = (await env.client.list<RootfsImage>(rootfsImageRef)).items;
    assert.deepEqual(
      images.filter((i) => i.spec.createdFrom.uid === build.metadata.uid),
      [],
    );
    assert.deepEqual(await childrenOf(env, build, "install"), [], "no install VM");
  });
});

/** Writes the prepare Job's config Secret as the kubelet mounts it at /config. */
async function mountConfig(env: Env, job: KubeObject, dir: string): Promise<string> {
  const { volumes } = (job.spec as { template: { spec: { volumes?: SecretVolume[] } } }).template.spec;
  await mkdir(dir, { recursive: true });
  for (const [key, value] of Object.entries(await configFilesOf(env, volumes)))
    await writeFile(path.join(dir, key), value);
  return dir;
}
