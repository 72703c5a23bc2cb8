import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { verifyBoot, type VerifyRequest } from "../../../src/steps/verify/index.js";
import { findHostKernel, missingTool, type HostKernel } from "../install-local/host-kernel.js";
import { buildTinyRootfsCgz, type TinyRootfsOptions } from "./tiny-rootfs.js";

const kernel = findHostKernel();
const skip =
  typeof kernel === "string"
    ? kernel
    : missingTool({ "qemu-system-x86_64": "qemu-system-x86", ldd: "libc-bin" });
// ROOTFS_E2E_ACCEL=tcg runs every test under TCG; by default KVM is used where it works.
const accel = (process.env.ROOTFS_E2E_ACCEL ?? "auto") as "auto" | "kvm" | "tcg";

describe("verifyBoot with a tiny rootfs", { skip }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "verify-e2e-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const request = async (name: string, rootfs: TinyRootfsOptions, overrides: Partial<VerifyRequest> = {}) => {
    const cgz = path.join(dir, `${name}.cgz`);
    await buildTinyRootfsCgz(cgz, rootfs);
    const messages: string[] = [];
    const req: VerifyRequest = {
      kernel: (kernel as HostKernel).vmlinuz,
      cgz,
      arch: "x86_64",
      timeoutMs: 120_000,
      consoleLog: path.join(dir, `${name}-console.log`),
      accel,
      onMessage: (text) => messages.push(text),
      ...overrides,
    };
    return { req, messages };
  };

  test("passes when the rootfs's own shell and coreutils run the check", async () => {
    const { req, messages } = await request("good", {});
    const result = await verifyBoot(req);
    assert.equal(result.passed, true, result.consoleTail);
    assert.match(result.marker ?? "", /^ROOTFS-VERIFY-OK [0-9a-f]{16}$/);
    assert.match(result.consoleTail, /rootfs-check: running as PID 1/);
    assert.match(result.consoleTail, /uid=0\(root\)|uid=0 /);
    assert.match(result.consoleTail, /^PRETTY_NAME=/m);
    assert.ok(
      messages.some((m) => /^Verify is using KVM$|^KVM unavailable \(.+\); Verify is using TCG/.test(m)),
    );
    assert.match(await readFile(req.consoleLog ?? "", "utf8"), new RegExp(result.marker ?? "-"));
  });

  test("passes under forced TCG", async () => {
    const { req } = await request("tcg", {}, { accel: "tcg" });
    const result = await verifyBoot(req);
    assert.equal(result.passed, true, result.consoleTail);
    assert.equal(result.accel, "tcg");
  });

  test("fails quickly, with the kernel's complaint, when the rootfs has no /bin/sh", async () => {
    const { req } = await request("no-shell", { withoutShell: true });
    const result = await verifyBoot(req);
    assert.equal(result.passed, false);
    assert.equal(result.marker, undefined);
    assert.match(result.failure ?? "", /could not run the check script: the rootfs's \/bin\/sh/);
    assert.match(result.consoleTail, /Failed to execute \/rootfs-check|Requested init \/rootfs-check failed/);
    assert.ok(result.durationMs < req.timeoutMs / 2, `took ${result.durationMs} ms: it ran into the timeout`);
  });

  test("fails when a basic command of the rootfs is missing", async () => {
    const { req } = await request("no-uname", { omit: ["uname"] });
    const result = await verifyBoot(req);
    assert.equal(result.passed, false);
    assert.match(result.failure ?? "", /a basic command of the rootfs failed/);
    assert.match(result.consoleTail, /uname: (command )?not found/);
  });

  test("a missing kernel is a clear error", async () => {
    const { req } = await request("no-kernel", {}, { kernel: path.join(dir, "vmlinuz-missing") });
    await assert.rejects(verifyBoot(req), { message: /^Kernel not found: .*vmlinuz-missing/ });
  });
});
