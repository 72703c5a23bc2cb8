import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { ProgressEvent } from "../../../src/plan/progress.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { installLocal, type LocalInstallRequest } from "../../../src/steps/install-local/index.js";
import { findHostKernel, missingTool, type HostKernel } from "./host-kernel.js";
import { buildScenarioIso, payload, scenarioTools, successMarker, type Scenario } from "./scenario-iso.js";

const run = promisify(execFile);
const kernel = findHostKernel();
const skip = typeof kernel === "string" ? kernel : missingTool(scenarioTools);
// ROOTFS_E2E_ACCEL=tcg runs every test under TCG; by default KVM is used where it works.
const accel = (process.env.ROOTFS_E2E_ACCEL ?? "auto") as "auto" | "kvm" | "tcg";

describe("installLocal with a scenario ISO", { skip }, () => {
  let dir: string;
  const isos = new Map<Scenario, string>();
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "install-local-e2e-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const isoFor = async (scenario: Scenario) => {
    const known = isos.get(scenario);
    if (known) return known;
    const iso = await buildScenarioIso(kernel as HostKernel, scenario, dir);
    isos.set(scenario, iso);
    return iso;
  };

  const request = async (scenario: Scenario, overrides: Partial<LocalInstallRequest> = {}) => {
    const events: ProgressEvent[] = [];
    const req: LocalInstallRequest = {
      iso: await isoFor(scenario),
      disk: path.join(dir, `${scenario}.img`),
      diskFormat: "raw",
      diskSizeBytes: 64 * 1024 * 1024,
      arch: "x86_64",
      cpus: 1,
      memoryBytes: 512 * 1024 * 1024,
      timeoutMs: 120_000,
      consoleLog: path.join(dir, `${scenario}-console.log`),
      monitor: {
        successMarker,
        failureSignatures: [
          { pattern: "Traceback \\(", reason: "anaconda crashed with a Python traceback" },
          { pattern: "Kernel panic - not syncing", reason: "the installer's kernel panicked" },
        ],
        progressPatterns: [
          { pattern: "Configuring storage", percent: 1 },
          { pattern: "Installing (?<what>\\S+) \\((?<done>\\d+)/(?<total>\\d+)\\)" },
        ],
      },
      accel,
      onProgress: (event) => events.push(event),
      ...overrides,
    };
    return { req, events };
  };

  const texts = (events: ProgressEvent[]) => events.map((e) => (e.kind === "message" ? e.text : ""));

  test("installs: the disk is written, progress rises, the accelerator is reported", async () => {
    const { req, events } = await request("success");
    const result = await installLocal(req);
    assert.equal(await firstBytes(req.disk, payload.length), payload);
    const percents = events.flatMap((e) =>
      e.kind === "message" && e.percent !== undefined ? [e.percent] : [],
    );
    assert.deepEqual(percents, [1, 20, 40, 60, 80, 100, 100]);
    assert.ok(
      texts(events).some((t) =>
        /^Install is using KVM$|^KVM unavailable \(.+\); Install is using TCG/.test(t),
      ),
    );
    assert.ok(["kvm", "tcg"].includes(result.accel));
    assert.match(await readFile(req.consoleLog, "utf8"), new RegExp(successMarker));
  });

  test("installs under forced TCG onto a qcow2 disk", async () => {
    const { req, events } = await request("success", {
      accel: "tcg",
      diskFormat: "qcow2",
      disk: path.join(dir, "tcg.qcow2"),
    });
    const result = await installLocal(req);
    assert.equal(result.accel, "tcg");
    assert.ok(texts(events).some((t) => t.startsWith("KVM unavailable (TCG was requested)")));
    const raw = path.join(dir, "tcg.raw");
    await run("qemu-img", ["convert", "-f", "qcow2", "-O", "raw", req.disk, raw]);
    assert.equal(await firstBytes(raw, payload.length), payload);
  });

  test("a Python traceback fails the install at once, with the traceback in the message", async () => {
    const { req, events } = await request("traceback");
    let failedAt = 0;
    const started = Date.now();
    await assert.rejects(
      installLocal({
        ...req,
        onProgress: (event) => {
          events.push(event);
          if (event.kind === "message" && event.text.startsWith("Installer failed")) failedAt = Date.now();
        },
      }),
      (err: unknown) => {
        assert.ok(err instanceof StepFailure);
        assert.equal(err.reason, "InstallFailed");
        assert.match(
          err.message,
          /^Installer failed: anaconda crashed with a Python traceback; the console showed:/,
        );
        assert.match(
          err.message,
          /Installing package-1\.x86_64 \(1\/5\)\nTraceback \(most recent call last\):/,
        );
        assert.match(err.message, /PayloadInstallationError: scenario failure/);
        assert.match(err.message, new RegExp(`Full console log: ${req.consoleLog}$`));
        return true;
      },
    );
    assert.ok(failedAt > 0, "the failure was reported as progress");
    assert.ok(
      Date.now() - failedAt < 5000,
      `the VM was stopped ${Date.now() - failedAt} ms after the traceback`,
    );
    assert.ok(Date.now() - started < req.timeoutMs / 2);
    assert.equal(await qemuRunningWith(req.consoleLog), false);
  });

  test("an installer that hangs is killed at the timeout", async () => {
    const { req } = await request("hang", { timeoutMs: 25_000 });
    await assert.rejects(installLocal(req), (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.equal(err.reason, "InstallTimeout");
      assert.match(err.message, /^The install ran longer than 25s; the last console lines were:\n/);
      assert.match(err.message, /Starting installer \(scenario hang\)/);
      assert.match(err.message, /Raise spec\.install\.timeout or check the log/);
      return true;
    });
    assert.equal(await qemuRunningWith(req.consoleLog), false);
  });

  test("an installer that reboots fails", async () => {
    const { req } = await request("reboot");
    await assert.rejects(installLocal(req), (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.equal(err.reason, "InstallFailed");
      assert.match(err.message, /the installer rebooted instead of powering off/);
      return true;
    });
  });

  test("aborting stops the VM", async () => {
    const { req } = await request("hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    await assert.rejects(installLocal({ ...req, signal: controller.signal }), { name: "AbortError" });
    assert.equal(await qemuRunningWith(req.consoleLog), false);
  });

  test("a missing ISO is reported before anything starts", async () => {
    const { req } = await request("success", { iso: path.join(dir, "no-such.iso") });
    await assert.rejects(installLocal(req), {
      name: "StepFailure",
      message: `Installer ISO not found: ${req.iso}; check the remaster step's output`,
    });
  });

  test("qemu's own error is reported when it cannot start the VM", async () => {
    const notAFile = path.join(dir, "directory.iso");
    await mkdir(notAFile, { recursive: true });
    const { req } = await request("success", { iso: notAFile });
    await assert.rejects(installLocal(req), (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.match(err.message, /^qemu could not run the install VM \(exit status 1\): .*directory\.iso/s);
      return true;
    });
  });
});

async function firstBytes(file: string, length: number): Promise<string> {
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, 0);
    return buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}

async function qemuRunningWith(uniqueArgument: string): Promise<boolean> {
  try {
    await run("pgrep", ["-f", uniqueArgument]);
    return true;
  } catch {
    return false;
  }
}
