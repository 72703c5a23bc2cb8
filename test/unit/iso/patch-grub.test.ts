import assert from "node:assert/strict";
import { test } from "node:test";
import { patchGrubConfig } from "../../../src/iso/patch-grub.js";

const options = { kernelArgs: ["inst.ks=hd:LABEL=OEMDRV:/ks.cfg"], serialConsole: "ttyS0,115200" };

test("a grub.cfg that only sources another menu is left alone", () => {
  const text =
    "search --file --set=root /.disk/id/x\nset prefix=($root)/boot/grub\nsource $prefix/x86_64-efi/grub.cfg\n";
  const patched = patchGrubConfig("EFI/debian/grub.cfg", text, options);
  assert.equal(patched.changed, false);
  assert.equal(patched.text, text);
  assert.deepEqual(patched.change.entries, []);
});

test("entries inside if-blocks before the install entry make the default a title", () => {
  const text = [
    "set default=0",
    'if [ "$grub_platform" = efi ]; then',
    "menuentry 'Firmware' {",
    "  fwsetup",
    "}",
    "fi",
    'menuentry "Install Fedora 42" {',
    "  linux /vmlinuz quiet",
    "}",
    "",
  ].join("\n");
  const patched = patchGrubConfig("boot/grub/grub.cfg", text, options);
  assert.match(patched.text, /^set default="Install Fedora 42"$/m);
  assert.deepEqual(patched.change.defaultEntry, { from: "Firmware", to: "Install Fedora 42" });
});

test("timeout and default keep the distro's quoting", () => {
  const text =
    "set default='1'\nset timeout=60\nmenuentry 'A' {\n\tlinux /v\n}\nmenuentry 'B' {\n\tlinux /v rd.live.check\n}\n";
  const patched = patchGrubConfig("EFI/BOOT/grub.cfg", text, options);
  assert.match(patched.text, /^set default='0'$/m);
  assert.match(patched.text, /^set timeout=1$/m);
});

test("linux16 memtest and chainloader entries get no args", () => {
  const text =
    "menuentry 'Install' {\n linux /v\n}\nmenuentry 'Memtest' {\n linux16 /boot/memtest86+x64.bin\n}\nmenuentry 'Disk' {\n chainloader (hd0)+1\n}\n";
  const patched = patchGrubConfig("boot/grub/grub.cfg", text, options);
  assert.deepEqual(
    patched.change.entries.map((e) => e.title),
    ["Install"],
  );
  assert.match(patched.text, /linux16 \/boot\/memtest86\+x64.bin\n/);
});

test("a menu whose kernel entries are all rescue entries is refused", () => {
  const text = "menuentry 'Rescue' {\n linux /v inst.rescue\n}\n";
  assert.throws(
    () => patchGrubConfig("EFI/BOOT/grub.cfg", text, options),
    /EFI\/BOOT\/grub.cfg: no install entry found/,
  );
});
