import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVersions, newestBootFiles } from "../../../src/steps/extract/kernel-files.js";

test("the newest kernel wins by version, not by string order, and rescue kernels are skipped", () => {
  const boot = [
    "vmlinuz-6.1.0-9-amd64",
    "vmlinuz-6.1.0-10-amd64",
    "initrd.img-6.1.0-9-amd64",
    "initrd.img-6.1.0-10-amd64",
    "vmlinuz-0-rescue-0123456789abcdef",
    "config-6.1.0-10-amd64",
    "grub",
  ];
  assert.deepEqual(newestBootFiles(boot), {
    version: "6.1.0-10-amd64",
    kernel: "boot/vmlinuz-6.1.0-10-amd64",
    initrd: "boot/initrd.img-6.1.0-10-amd64",
  });
});

test("Fedora and openEuler initramfs names are found, and a missing initrd is left out", () => {
  const fedora = [
    "vmlinuz-6.5.6-300.fc39.x86_64",
    "initramfs-6.5.6-300.fc39.x86_64.img",
    ".vmlinuz-6.5.6-300.fc39.x86_64.hmac",
  ];
  assert.equal(newestBootFiles(fedora)?.initrd, "boot/initramfs-6.5.6-300.fc39.x86_64.img");
  assert.deepEqual(newestBootFiles(["vmlinuz-5.10.0-60.18.0.50.oe2203.x86_64"]), {
    version: "5.10.0-60.18.0.50.oe2203.x86_64",
    kernel: "boot/vmlinuz-5.10.0-60.18.0.50.oe2203.x86_64",
  });
});

test("no vmlinuz-<version> means no kernel", () => {
  assert.equal(newestBootFiles(["vmlinuz", "grub", "efi"]), undefined);
  assert.equal(newestBootFiles([]), undefined);
});

test("versions compare digit runs numerically", () => {
  const sorted = ["6.10.0", "6.9.12", "6.9.2", "6.9"].sort(compareVersions);
  assert.deepEqual(sorted, ["6.9", "6.9.2", "6.9.12", "6.10.0"]);
});
