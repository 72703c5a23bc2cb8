// The operator's start-up path must not load @kubernetes/client-node: importing it costs ~2.7 s of CPU
// (its KubeConfig pulls in the whole generated API), paid on every restart and leader failover. The
// operator is started against a real apiserver with a loader hook that records every module resolved.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { repoRoot } from "../../helpers/paths.js";
import { startToReady } from "../../helpers/start-to-ready.js";

const recorder = path.join(repoRoot, "dist", "test", "helpers", "record-imports.js");
const clientNode = "/node_modules/@kubernetes/client-node/";
let cp: ControlPlane;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "startup-imports-"));
  cp = await startControlPlane();
  await installCrds(cp, [path.join(repoRoot, "crds")]);
  await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
});

after(async () => {
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function recorded(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").filter(Boolean);
}

void test("the recorder sees @kubernetes/client-node when a process imports it", () => {
  const file = path.join(dir, "control.txt");
  execFileSync(
    process.execPath,
    ["--import", recorder, "--input-type=module", "-e", 'await import("@kubernetes/client-node")'],
    { cwd: repoRoot, env: { ...process.env, RECORD_IMPORTS_FILE: file } },
  );
  assert.ok(recorded(file).some((url) => url.includes(clientNode)));
});

void test("the operator is ready (/readyz OK) without loading @kubernetes/client-node", async () => {
  const file = path.join(dir, "operator.txt");
  const main = path.join(repoRoot, "dist", "src", "cli", "main.js");
  await startToReady(main, cp.kubeconfigPath, 1, {
    nodeArgs: ["--import", recorder],
    env: { RECORD_IMPORTS_FILE: file },
  });
  const urls = recorded(file);
  assert.ok(
    urls.some((url) => url.endsWith("/src/runtime/kubeconfig.js")),
    "the recorder saw the operator read its kubeconfig",
  );
  assert.deepEqual(
    urls.filter((url) => url.includes(clientNode)),
    [],
  );
});
