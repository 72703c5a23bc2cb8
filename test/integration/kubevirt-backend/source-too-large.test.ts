// An ISO whose server says (HEAD, Content-Length) it is larger than sources.maxISOSize: the kubevirt
// backend fails the build SourceTooLarge before it makes any PVC or Job, against a real loopback server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { coreRefs } from "../../../src/runtime/index.js";
import { startServer, type TestServer } from "../../helpers/http-server.js";
import { set } from "../../helpers/builds.js";
import {
  applyBuild,
  loopbackSourcesConfig,
  buildUntil,
  namespace,
  envAndOperatorForSuite,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "./env.js";

describe("kubevirt backend: an ISO larger than sources.maxISOSize", () => {
  let env: Env;
  let server: TestServer;
  const config = loopbackSourcesConfig({ maxISOSize: "1Gi" });
  envAndOperatorForSuite((started) => (env = started), { config, realIsoSize: true });
  const methods: string[] = [];

  before(async () => {
    // 2 GiB by its headers; the body never comes (nothing may ask for it).
    server = await startServer((req, res) => {
      methods.push(req.method ?? "");
      res.writeHead(200, { "content-length": 2 * 2 ** 30 });
      if (req.method === "HEAD") res.end();
      else res.destroy();
    });
  });
  after(() => server?.close());

  test("SourceTooLarge from the HEAD's Content-Length, and no PVC or Job made", async () => {
    const build = await applyBuild(
      env,
      uniqueBuild("too-large", set("spec.source.iso.url", `${server.url}/big.iso`)),
    );
    const failed = await buildUntil(env, build.metadata.name, (b) => b.status?.phase === "Failed");
    const condition = succeededCondition(failed);
    assert.equal(condition?.reason, "SourceTooLarge", condition?.message);
    assert.match(
      condition?.message ?? "",
      /is 2147483648 bytes, larger than the 1073741824 bytes this operator accepts/,
    );
    assert.match(condition?.message ?? "", /sources\.maxISOSize/);
    assert.ok(methods.includes("HEAD"));
    assert.ok(!methods.includes("GET"), `the operator asked: ${methods.join(", ")}`);
    const selector = { namespace, labelSelector: "app.kubernetes.io/managed-by=rootfs-operator" };
    const pvcs = (await env.client.list(coreRefs.pvc, selector)).items;
    const jobs = (await env.client.list(coreRefs.job, selector)).items;
    assert.deepEqual(
      [...pvcs, ...jobs].map((o) => o.metadata.name),
      [],
    );
  });
});
