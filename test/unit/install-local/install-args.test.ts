import assert from "node:assert/strict";
import { test } from "node:test";
import { installVmArgs } from "../../../src/steps/install-local/install-args.js";

const vm = {
  iso: "/cache/os,remastered.iso",
  disk: "/builds/b/disk.qcow2",
  diskFormat: "qcow2" as const,
  cpus: 2,
  memoryBytes: 3 * 2 ** 30,
};

test("x86_64 boots the ISO from an AHCI CD-ROM by BIOS, installs onto virtio", () => {
  const args = installVmArgs({ ...vm, arch: "x86_64", sideVolume: "/builds/b/oemdrv.iso" }, "kvm").join(" ");
  assert.match(args, /^-machine q35,accel=kvm -cpu host -m 3072 -smp 2 /);
  assert.match(
    args,
    /-drive if=none,id=installer,media=cdrom,readonly=on,format=raw,file=\/cache\/os,,remastered\.iso /,
  );
  assert.match(args, /-device ide-cd,bus=ide.0,drive=installer,bootindex=0 /);
  assert.match(args, /-device ide-cd,bus=ide.1,drive=answers /);
  assert.match(args, /-drive if=virtio,format=qcow2,cache=unsafe,file=\/builds\/b\/disk\.qcow2/);
  assert.doesNotMatch(args, /pflash|scsi/);
});

test("aarch64 boots by UEFI from a virtio-scsi CD-ROM, with TCG's max CPU", () => {
  const args = installVmArgs({ ...vm, arch: "aarch64" }, "tcg", ["-drive", "if=pflash,unit=0"]).join(" ");
  assert.match(args, /^-machine virt,accel=tcg -cpu max -m 3072 -smp 2 -drive if=pflash,unit=0 /);
  assert.match(args, /-device virtio-scsi-pci,id=scsi0 .*-device scsi-cd,drive=installer,bootindex=0/);
  assert.doesNotMatch(args, /answers/);
});
