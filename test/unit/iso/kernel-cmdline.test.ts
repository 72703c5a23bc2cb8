import assert from "node:assert/strict";
import { test } from "node:test";
import { editKernelArgs, quoteKernelArg, tokenizeCmdline } from "../../../src/iso/kernel-cmdline.js";

test("GRUB tokens lose their quotes and escapes, syslinux tokens are verbatim", () => {
  const text = ` a "ds=nocloud;s=/x/" 'single quoted' b\\ c "q\\"uote"`;
  assert.deepEqual(
    tokenizeCmdline(text, "grub").map((t) => t.value),
    ["a", "ds=nocloud;s=/x/", "single quoted", "b c", 'q"uote'],
  );
  assert.deepEqual(
    tokenizeCmdline(` a "b;c"`, "syslinux").map((t) => t.value),
    ["a", '"b;c"'],
  );
});

test("quoteKernelArg quotes GRUB-special characters only for GRUB", () => {
  assert.equal(quoteKernelArg("ds=nocloud;s=/cdrom/nocloud/", "grub"), '"ds=nocloud;s=/cdrom/nocloud/"');
  assert.equal(quoteKernelArg("ds=nocloud;s=/cdrom/nocloud/", "syslinux"), "ds=nocloud;s=/cdrom/nocloud/");
  assert.equal(quoteKernelArg("console=ttyS0,115200", "grub"), "console=ttyS0,115200");
  assert.equal(
    quoteKernelArg("inst.ks=hd:LABEL=A\\x20B:/ks.cfg", "grub"),
    '"inst.ks=hd:LABEL=A\\x20B:/ks.cfg"',
  );
  assert.equal(quoteKernelArg('a$b"c\\', "grub"), '"a\\$b\\"c\\\\"');
});

test("quoted GRUB args read back as the value they were written from", () => {
  for (const value of [
    "ds=nocloud;s=/cdrom/nocloud/",
    "inst.ks=hd:LABEL=A\\x20B:/ks.cfg",
    'a$b"c\\',
    "x{y}|z&",
  ]) {
    assert.deepEqual(
      tokenizeCmdline(quoteKernelArg(value, "grub"), "grub").map((t) => t.value),
      [value],
    );
  }
});

test("args go before --- so they reach the installer, not the installed system", () => {
  const edit = editKernelArgs(
    " vga=788 initrd=/install.amd/initrd.gz --- quiet ",
    "syslinux",
    ["auto=true"],
    [],
  );
  assert.equal(edit.text, " vga=788 initrd=/install.amd/initrd.gz auto=true --- quiet ");
  assert.deepEqual(edit.added, ["auto=true"]);
});

test("Ubuntu's bare `---` keeps its spacing and gets quoted args in front of it", () => {
  const edit = editKernelArgs("  ---", "grub", ["autoinstall", "ds=nocloud;s=/cdrom/nocloud/"], []);
  assert.equal(edit.text, '  autoinstall "ds=nocloud;s=/cdrom/nocloud/" ---');
});

test("rd.live.check is dropped and present args are not repeated", () => {
  const edit = editKernelArgs(
    " inst.stage2=hd:LABEL=X rd.live.check quiet",
    "grub",
    ["quiet", "inst.ks=a"],
    ["rd.live.check"],
  );
  assert.equal(edit.text, " inst.stage2=hd:LABEL=X quiet inst.ks=a");
  assert.deepEqual(edit.removed, ["rd.live.check"]);
  assert.deepEqual(edit.added, ["inst.ks=a"]);
});

test("a quoted arg already in a GRUB line counts as present", () => {
  const edit = editKernelArgs(
    ' "ds=nocloud;s=/cdrom/nocloud/" ---',
    "grub",
    ["ds=nocloud;s=/cdrom/nocloud/"],
    [],
  );
  assert.deepEqual(edit.added, []);
});

test("same-named args are replaced, but every console= is kept", () => {
  const edit = editKernelArgs(
    " priority=low console=tty0",
    "syslinux",
    ["priority=critical", "console=ttyS0,115200"],
    [],
  );
  assert.equal(edit.text, " console=tty0 priority=critical console=ttyS0,115200");
  assert.deepEqual(edit.removed, ["priority=low"]);
});

test("an empty command line gets a separating space", () => {
  assert.equal(editKernelArgs("", "grub", ["a"], []).text, " a");
});
