import assert from "node:assert/strict";
import { test } from "node:test";
import {
  chooseAccelerator,
  describeAccelerator,
  whyKvmCannotRun,
} from "../../../src/steps/qemu/accelerator.js";
import { hostArch } from "../../../src/steps/qemu/guest-arch.js";

test("TCG on request, without probing", async () => {
  assert.deepEqual(await chooseAccelerator("x86_64", "tcg"), {
    accel: "tcg",
    whyNotKvm: "TCG was requested",
  });
});

test("KVM is never used for a guest of another architecture", async () => {
  const other = hostArch() === "aarch64" ? "x86_64" : "aarch64";
  assert.match((await whyKvmCannotRun(other)) ?? "", new RegExp(`^the host is \\S+ and the guest ${other}$`));
  await assert.rejects(
    chooseAccelerator(other, "kvm"),
    /^Error: KVM was requested but is unusable: the host is/,
  );
});

test("describeAccelerator says which accelerator and why", () => {
  assert.equal(describeAccelerator({ accel: "kvm" }, "Install"), "Install is using KVM");
  assert.equal(
    describeAccelerator({ accel: "tcg", whyNotKvm: "no /dev/kvm" }, "Verify"),
    "KVM unavailable (no /dev/kvm); Verify is using TCG, expect it to be slow",
  );
});
