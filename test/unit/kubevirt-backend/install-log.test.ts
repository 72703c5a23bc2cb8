import assert from "node:assert/strict";
import { test } from "node:test";
import { parseInstallLog } from "../../../src/controller/kubevirt-backend/index.js";

const head = [
  "[install] Installing openeuler 24.03-LTS…",
  "[install] KVM unavailable (a test guest did not finish within 4 s under KVM); Install is using TCG, expect it to be slow",
  "[install] Started the install VM (2 CPUs, 1024 MiB)",
  "Starting installer, one moment...",
].join("\n");

test("the accelerator from the worker's first lines, the latest progress line from the tail", () => {
  const tail = [
    "[install] 20% Installing setup.noarch (2/14)",
    "Installing setup.noarch",
    "[install] 47% Installing bash (7/14)",
    "  console noise",
  ].join("\n");
  assert.deepEqual(parseInstallLog(head, tail), {
    accel: "TCG (KVM unavailable: a test guest did not finish within 4 s under KVM)",
    percent: 47,
    text: "Installing bash (7/14)",
  });
});

test("KVM, and a progress line without a percentage", () => {
  assert.deepEqual(
    parseInstallLog(
      "[install] Install is using KVM\n",
      "[install] Started the install VM (2 CPUs, 1024 MiB)\n",
    ),
    {
      accel: "KVM",
      text: "Started the install VM (2 CPUs, 1024 MiB)",
    },
  );
});

test("console lines only (the worker's lines scrolled away): nothing claimed", () => {
  assert.deepEqual(parseInstallLog("Starting installer\n", "Installing bash\n"), {});
});

test("a line that only looks like ours is bounded", () => {
  const long = `[install] 99% ${"x".repeat(5000)}`;
  const parsed = parseInstallLog("", long);
  assert.equal(parsed.percent, 99);
  assert.equal(parsed.text?.length, 200);
});
