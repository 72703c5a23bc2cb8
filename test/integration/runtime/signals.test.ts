import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { coreRefs, type KubeObject } from "../../../src/runtime/kube-client.js";
import { eventually, startEnv, type TestEnv } from "./env.js";

let env: TestEnv;
before(async () => (env = await startEnv()));
after(() => env?.stop());

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixture-operator.js");

type LogLine = Record<string, unknown> & { msg?: string };
type Lease = KubeObject & { spec?: { holderIdentity?: string } };

void test("SIGTERM: finishes the in-flight reconcile, releases the lease, exits 0", async () => {
  const ns = await env.namespace("sig");
  const child = spawn(process.execPath, [fixture, env.cp.kubeconfigPath, ns], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  let stderr = "";
  let buffered = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    buffered += d;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as LogLine);
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // "close", not "exit": "exit" can come before the last lines on stdout were read.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  try {
    await eventually(
      () => lines.some((l) => l.msg === "Became leader"),
      `leadership (stderr: ${stderr})`,
      20_000,
    );
    await env.client.create(coreRefs.configMap, { metadata: { name: "slow", namespace: ns } });
    const started = await eventually(
      () => lines.find((l) => l.msg === "Slow reconcile started"),
      "slow reconcile",
    );
    assert.equal(started.controller, "configmaps");
    assert.equal(started.namespace, ns);
    assert.equal(started.name, "slow");
    assert.match(String(started.reconcileID), /^[0-9a-f-]{36}$/);
    assert.equal(started.level, "info");

    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    const messages = lines.map((l) => l.msg);
    const finished = messages.indexOf("Slow reconcile finished");
    assert.ok(finished >= 0, "in-flight reconcile completed");
    assert.ok(finished < messages.indexOf("Released leader lease"), "before the lease was released");
    assert.ok(messages.indexOf("Released leader lease") < messages.indexOf("Manager stopped"));
    const lease = await env.client.get<Lease>(coreRefs.lease, "fixture-lock", ns);
    assert.equal(lease.spec?.holderIdentity, "", "lease released for an immediate successor");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
