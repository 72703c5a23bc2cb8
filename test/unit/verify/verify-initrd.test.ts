import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import { checkScript, passMarker, verifyKernelArgs } from "../../../src/steps/verify/check-script.js";
import { diagnoseLine } from "../../../src/steps/verify/console-diagnosis.js";
import { buildVerifyInitrd, checkArchive } from "../../../src/steps/verify/verify-initrd.js";
import { estimateUnpackedSize, memoryForInitramfs } from "../../../src/steps/verify/vm-memory.js";

test("the verify initrd is the cgz, zero padding to 4 bytes, then the gzip'd check archive", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "verify-initrd-"));
  try {
    const cgz = path.join(dir, "rootfs.cgz");
    const rootfs = gzipSync(Buffer.from("not really a cpio"));
    await writeFile(cgz, rootfs);
    await buildVerifyInitrd(cgz, path.join(dir, "initrd"));
    const initrd = await readFile(path.join(dir, "initrd"));
    const padded = Math.ceil(rootfs.length / 4) * 4;
    assert.deepEqual(initrd.subarray(0, rootfs.length), rootfs);
    assert.ok(initrd.subarray(rootfs.length, padded).every((byte) => byte === 0));
    assert.deepEqual(initrd.subarray(padded), checkArchive());
    assert.ok(gunzipSync(checkArchive()).includes("rootfs-check\0"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the check script is run by the rootfs's sh and prints the marker with the boot's nonce", () => {
  assert.match(checkScript, /^#!\/bin\/sh\n/);
  assert.match(checkScript, /echo "ROOTFS-VERIFY-OK \$rootfs_verify_nonce"/);
  assert.equal(passMarker("abc"), "ROOTFS-VERIFY-OK abc");
  assert.equal(
    verifyKernelArgs("aarch64", "abc"),
    "console=ttyAMA0 rdinit=/rootfs-check init=/rootfs-check panic=-1 rootfs_verify_nonce=abc",
  );
  assert.match(verifyKernelArgs("x86_64", "abc"), /^console=ttyS0 /);
});

test("the VM gets 3 × the unpacked cgz + 512 MiB", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "verify-memory-"));
  try {
    const gz = path.join(dir, "rootfs.cgz");
    await writeFile(gz, gzipSync(Buffer.alloc(10 * 2 ** 20)));
    assert.equal(await estimateUnpackedSize(gz), 10 * 2 ** 20);
    assert.equal(await memoryForInitramfs(gz), (30 + 512) * 2 ** 20);
    const xz = path.join(dir, "rootfs.cxz");
    await writeFile(xz, Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a]), Buffer.alloc(1000)]));
    assert.equal(await estimateUnpackedSize(xz), 4 * 1003);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("console lines that explain a failed verify", () => {
  assert.match(
    diagnoseLine("[    4.79] Failed to execute /rootfs-check (error -2)") ?? "",
    /\/bin\/sh .* is missing/,
  );
  assert.match(
    diagnoseLine("ROOTFS-VERIFY-FAILED: a basic command of the rootfs failed") ?? "",
    /basic command/,
  );
  assert.match(diagnoseLine("Kernel panic - not syncing: VFS: Unable to mount root fs") ?? "", /panicked/);
  assert.equal(diagnoseLine("Run /rootfs-check as init process"), undefined);
});
