import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { verifyBoot } from "../../../src/steps/verify/index.js";
import { buildBusyboxRootfsCgz } from "./tiny-rootfs.js";

// Opt-in: ROOTFS_E2E_ARM64_ROOT is a directory holding Debian's arm64 kernel and static busybox, e.g.
//   dpkg --add-architecture arm64 && apt-get update &&
//   apt-get download linux-image-6.1.0-NN-arm64:arm64 busybox-static:arm64 &&
//   for deb in *.deb; do dpkg-deb -x "$deb" "$ROOTFS_E2E_ARM64_ROOT"; done
const root = process.env.ROOTFS_E2E_ARM64_ROOT;
const kernelName =
  root && existsSync(path.join(root, "boot"))
    ? readdirSync(path.join(root, "boot")).find((name) => /^vmlinuz-.*-arm64$/.test(name))
    : undefined;
const skip = !root
  ? "set ROOTFS_E2E_ARM64_ROOT to run the aarch64 verify test"
  : !kernelName || !existsSync(path.join(root, "bin", "busybox"))
    ? `${root} lacks boot/vmlinuz-*-arm64 or bin/busybox`
    : !existsSync("/usr/bin/qemu-system-aarch64")
      ? "qemu-system-aarch64 is missing (apt-get install qemu-system-arm)"
      : undefined;

test("verifyBoot boots an aarch64 kernel and rootfs on the virt machine", { skip }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "verify-aarch64-"));
  try {
    const cgz = path.join(dir, "rootfs.cgz");
    await buildBusyboxRootfsCgz(path.join(root ?? "", "bin", "busybox"), cgz);
    const result = await verifyBoot({
      kernel: path.join(root ?? "", "boot", kernelName ?? ""),
      cgz,
      arch: "aarch64",
      timeoutMs: 180_000,
    });
    assert.equal(result.passed, true, result.consoleTail);
    assert.match(result.consoleTail, /aarch64 GNU\/Linux/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
