import assert from "node:assert/strict";
import { test } from "node:test";
import { initrdsIn } from "../../../src/iso/install-medium.js";

test("finds the initrds boot menus name, isolinux lists and GRUB lines alike, relative paths too", () => {
  const files = [
    "initrd.gz",
    "isolinux/isolinux.cfg",
    "install.amd/initrd.gz",
    "install.amd/gtk/initrd.gz",
    "linux",
  ];
  const isolinux = "label install\n  kernel /linux\n  append vga=788 initrd=/initrd.gz --- quiet\n";
  const debianCd = "label x\n  append initrd=/install.amd/initrd.gz,/install.amd/gtk/initrd.gz ---\n";
  const grub = "menuentry 'Install' {\n    linux /linux ---\n    initrd   /initrd.gz\n}\n";
  assert.deepEqual(initrdsIn([isolinux, grub], files), ["initrd.gz"]);
  assert.deepEqual(initrdsIn([debianCd], files), ["install.amd/initrd.gz", "install.amd/gtk/initrd.gz"]);
  assert.deepEqual(initrdsIn(["label y\n  initrd initrd.gz\n"], ["isolinux/initrd.gz"]), [
    "isolinux/initrd.gz",
  ]);
  assert.deepEqual(initrdsIn([isolinux], ["linux"]), [], "only files on the ISO");
});
