// Mirrors that lie, drip, never end or leak, against a real `rootfs operator --backend local` process
// (examples/operator/local.yaml lets it reach plain http on loopback) and a real loopback HTTP server:
// a checksum file read twice, a checksum body that never ends, one that drips a byte a second, and an
// error page with a secret in it.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { ControlPlane } from "../../harness/control-plane.js";
import { rootfsBuild, set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { serveBody, startServer, type Handler, type TestServer } from "../../helpers/http-server.js";
import {
  startLocalOperatorEnv,
  type LocalOperatorEnv,
  type OperatorProcess,
} from "../../helpers/operator-process.js";

const iso = randomBytes(1024 * 1024);
const isoDigest = createHash("sha256").update(iso).digest("hex");
/** What the lying checksum file says the first time: not the ISO's digest. */
const firstAnswer = createHash("sha256").update("the first answer").digest("hex");
const secret = `s3cr3t-${randomBytes(8).toString("hex")}`;
const maxHwmMiB = 200;

describe("rootfs operator against mirrors that misbehave", { timeout: 5 * 60_000 }, () => {
  let cp: ControlPlane;
  let server: TestServer;
  let operator: OperatorProcess;
  let env: LocalOperatorEnv;
  let work: string;
  let endlessBytesSent = 0;
  let appliedAt = 0;

  before(async () => {
    let liarAnswers = 0;
    const handlers: Record<string, Handler> = {
      "/liar/os.iso": serveBody(iso),
      // Digest A the first time; the ISO's own digest B to anyone who asks again.
      "/liar/SHA256SUMS": (_req, res) =>
        res.end(`${liarAnswers++ === 0 ? firstAnswer : isoDigest}  os.iso\n`),
      "/endless/SHA256SUMS": (_req, res) => endless(res, (n) => (endlessBytesSent += n)),
      "/drip/SHA256SUMS": (_req, res) => drip(res),
      "/leak/SHA256SUMS": (_req, res) => {
        res.writeHead(500, `Token ${secret}`, { "content-type": "text/plain" });
        res.end(`AWS_SECRET_ACCESS_KEY=${secret}\n`);
      },
    };
    server = await startServer((req, res) => {
      const handle = handlers[req.url ?? ""];
      if (handle) handle(req, res);
      else res.writeHead(404).end();
    });
    work = await mkdtemp(path.join(tmpdir(), "rootfs-lying-mirrors-"));
    env = await startLocalOperatorEnv(work);
    ({ cp, operator } = env);
    // All four at once: the drip takes the checksum deadline (30 s), the others run meanwhile.
    appliedAt = Date.now();
    for (const name of ["liar", "endless", "drip", "leak"]) {
      const build = rootfsBuild(
        name,
        set("spec.source.iso", {
          url: `${server.url}/${name}/os.iso`,
          checksumURL: `${server.url}/${name}/SHA256SUMS`,
        }),
      );
      await cp.kubectl(["apply", "-f", "-"], { stdin: stringify(build), check: true });
    }
  });
  after(async () => {
    await env?.stop();
    await server?.close();
  });

  const get = async (name: string) =>
    JSON.parse(
      (await cp.kubectl(["get", "rootfsbuild", name, "-o", "json"], { check: true })).stdout,
    ) as RootfsBuild;
  const until = (name: string, ready: (b: RootfsBuild) => boolean, timeoutMs = 60_000) =>
    eventually(() => get(name), ready, { timeoutMs, intervalMs: 250 });
  const message = (b: RootfsBuild) =>
    b.status?.conditions?.find((c) => c.type === "Succeeded")?.message ?? "";
  const requests = (url: string) => server.requests.filter((r) => r.url === url).length;

  test("a checksum file that answers differently the second time: ChecksumMismatch, nothing published", async () => {
    const failed = await until("liar", (b) => b.status?.phase === "Failed");
    const condition = failed.status?.conditions?.find((c) => c.type === "Succeeded");
    assert.equal(condition?.reason, "ChecksumMismatch", condition?.message);
    assert.match(
      condition?.message ?? "",
      new RegExp(`expected sha256:${firstAnswer}, got sha256:${isoDigest}`),
    );
    assert.equal(failed.status?.image, undefined);
    const { stdout } = await cp.kubectl(["get", "rootfsimages", "-o", "name"], { check: true });
    assert.equal(stdout.trim(), "");
    assert.equal(requests("/liar/SHA256SUMS"), 1, "the operator read the checksum file once");
    assert.ok(requests("/liar/os.iso") >= 1, "the ISO was downloaded and verified against the first answer");
    const published = await readdir(path.join(work, "storage"), { recursive: true }).catch(() => []);
    assert.deepEqual(
      published.filter((f) => f.endsWith("manifest.json")),
      [],
    );
  });

  test("an endless checksum body: cut off at 1 MiB, a clear message, and the operator's memory bounded", async () => {
    const pending = await until("endless", (b) => /endless\/SHA256SUMS/.test(message(b)));
    assertMemoryBounded(await highWaterMiB(operator.pid));
    assert.match(
      message(pending),
      /^Cannot download the checksum file http:\/\/127\.0\.0\.1:\d+\/endless\/SHA256SUMS: .* is larger than 1048576 bytes: not a checksum file; check spec\.source\.iso\.checksumURL \(retrying\)$/,
    );
    // Let it retry a few times (each attempt is another endless body).
    await eventually(
      () => Promise.resolve(requests("/endless/SHA256SUMS")),
      (n) => n >= 4,
      { timeoutMs: 60_000 },
    );
    const hwm = await highWaterMiB(operator.pid);
    const attempts = requests("/endless/SHA256SUMS");
    const sentMiB = endlessBytesSent / 2 ** 20;
    console.log(`endless: ${attempts} attempts, ${sentMiB.toFixed(0)} MiB sent, operator VmHWM ${hwm} MiB`);
    assertMemoryBounded(hwm);
    // What the kernel's socket buffers took besides the MiB read: far from what the server would send.
    assert.ok(sentMiB / attempts < 64, `${(sentMiB / attempts).toFixed(0)} MiB sent per attempt`);
  });

  test("a checksum file that drips a byte a second ends at the 30 s deadline", async () => {
    const pending = await until("drip", (b) => /did not arrive whole/.test(message(b)), 90_000);
    const tookS = (Date.now() - appliedAt) / 1000;
    assert.match(message(pending), /\/drip\/SHA256SUMS did not arrive whole within 30s; .*\(retrying\)$/);
    assert.ok(tookS >= 29 && tookS < 60, `the deadline struck after ${tookS.toFixed(1)} s`);
  });

  test("an error page's status text and body never reach the build's status", async () => {
    const pending = await until("leak", (b) => /answered 500/.test(message(b)));
    assert.match(
      message(pending),
      /answered 500 Internal Server Error; check spec\.source\.iso\.checksumURL/,
    );
    assert.ok(!JSON.stringify(pending.status).includes(secret), JSON.stringify(pending.status));
    const events = await cp.kubectl(["get", "events", "-A", "-o", "json"], { check: true });
    assert.ok(!events.stdout.includes(secret), "an Event carries the server's text");
  });
});

/** Writes 64 KiB chunks as fast as the client reads, until it goes away: a body without end. */
function endless(res: ServerResponse, sent: (bytes: number) => void): void {
  res.writeHead(200, { "content-type": "text/plain" });
  const chunk = Buffer.alloc(64 * 1024, "0");
  const pump = () => {
    let more = true;
    while (!res.destroyed && more) {
      more = res.write(chunk);
      sent(chunk.length);
    }
    if (!res.destroyed) res.once("drain", pump);
  };
  pump();
}

/** One byte a second, forever. */
function drip(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/plain" });
  const timer = setInterval(() => res.write("0"), 1000);
  res.on("close", () => clearInterval(timer));
}

function assertMemoryBounded(hwmMiB: number): void {
  assert.ok(hwmMiB < maxHwmMiB, `the operator's VmHWM reached ${hwmMiB} MiB`);
}

/** The largest resident set the process had (VmHWM), in MiB. */
async function highWaterMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
  assert.ok(kb > 0, `no VmHWM in /proc/${pid}/status`);
  return Math.round(kb / 1024);
}
