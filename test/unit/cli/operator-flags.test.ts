// `rootfs operator --kube-api-qps / --kube-api-burst`: what each value means, and the error a bad one gets
// before the operator connects anywhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";
import { UsageError } from "../../../src/cli/command.js";
import { kubeApiRateLimit } from "../../../src/cli/commands/operator.js";
import { repoRoot } from "../../helpers/paths.js";

void test("kube-api flags: a positive QPS with its burst is the limit; 0 or less turns it off", () => {
  assert.deepEqual(kubeApiRateLimit("20", "30"), { qps: 20, burst: 30 });
  assert.deepEqual(kubeApiRateLimit("2.5", "1"), { qps: 2.5, burst: 1 });
  assert.equal(kubeApiRateLimit("-1", "30"), false);
  assert.equal(kubeApiRateLimit("0", "whatever"), false, "no limit, so no burst to check");
});

void test("kube-api flags: bad values are usage errors that name the flag", () => {
  for (const [qps, burst, message] of [
    ["fast", "30", /--kube-api-qps must be a number .* not "fast"/],
    ["", "30", /--kube-api-qps must be a number/],
    ["Infinity", "30", /--kube-api-qps must be a number/],
    ["20", "0", /--kube-api-burst must be a positive integer, not "0"/],
    ["20", "1.5", /--kube-api-burst must be a positive integer, not "1.5"/],
    ["20", "-3", /--kube-api-burst must be a positive integer/],
  ] as const) {
    assert.throws(
      () => kubeApiRateLimit(qps, burst),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
});

void test("kube-api flags: the CLI refuses a bad value before connecting, exit code 2", () => {
  const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
  const run = spawnSync(process.execPath, [cli, "operator", "--kube-api-burst=0"], {
    encoding: "utf8",
    env: { ...process.env, KUBECONFIG: "/nonexistent/kubeconfig" },
  });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /--kube-api-burst must be a positive integer, not "0"/);
});
