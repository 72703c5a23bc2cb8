import assert from "node:assert/strict";
import { test } from "node:test";
import { patchIsolinuxConfigs } from "../../../src/iso/patch-isolinux.js";

const options = { kernelArgs: ["inst.ks=hd:LABEL=OEMDRV:/ks.cfg"], serialConsole: "ttyS0,115200" };

test("a kernel entry without append gets one; a menu without timeout gets one", () => {
  const [config] = patchIsolinuxConfigs(
    [
      {
        file: "isolinux/isolinux.cfg",
        text: "default linux\nlabel linux\n  kernel vmlinuz\nlabel mem\n  kernel memtest\n",
      },
    ],
    options,
  );
  assert.equal(
    config?.text,
    "default linux\ntimeout 10\nlabel linux\n  menu default\n  kernel vmlinuz\n  append inst.ks=hd:LABEL=OEMDRV:/ks.cfg console=ttyS0,115200\nlabel mem\n  kernel memtest\n",
  );
  assert.deepEqual(config?.change.timeoutSeconds, { to: 1 });
  assert.equal(config?.change.defaultEntry, undefined, "`default linux` already booted the install entry");
});

test("`default <label>` and `menu default` move from the media check to the install entry", () => {
  const text = [
    "DEFAULT check",
    "TIMEOUT 600",
    "LABEL linux",
    "  MENU LABEL ^Install",
    "  KERNEL vmlinuz",
    "  APPEND initrd=initrd.img quiet",
    "LABEL check",
    "  MENU LABEL Test this ^media & install",
    "  MENU DEFAULT",
    "  KERNEL vmlinuz",
    "  APPEND initrd=initrd.img rd.live.check quiet",
    "",
  ].join("\n");
  const [config] = patchIsolinuxConfigs([{ file: "isolinux/isolinux.cfg", text }], options);
  const lines = config?.text.split("\n") ?? [];
  assert.equal(lines[0], "default linux");
  assert.equal(lines[1], "TIMEOUT 10");
  assert.equal(lines[4], "  menu default");
  assert.ok(!config?.text.includes("MENU DEFAULT"));
  assert.ok(!config?.text.includes("rd.live.check"));
  assert.deepEqual(config?.change.defaultEntry, { from: "Test this media & install", to: "Install" });
  assert.deepEqual(config?.change.timeoutSeconds, { from: 60, to: 1 });
});

test("a menu without kernel entries is left alone", () => {
  const text = "default chain\nlabel chain\n  com32 chain.c32\n  append hd0\n";
  const [config] = patchIsolinuxConfigs([{ file: "isolinux/isolinux.cfg", text }], options);
  assert.equal(config?.changed, false);
  assert.equal(config?.text, text);
});

test("help text is not mistaken for directives", () => {
  const text = "label linux\n  kernel vmlinuz\n  append quiet\n  text help\n  label fake\n  endtext\n";
  const [config] = patchIsolinuxConfigs([{ file: "isolinux/isolinux.cfg", text }], options);
  assert.deepEqual(
    config?.change.entries.map((e) => e.label),
    ["linux"],
  );
});

test("CRLF files stay CRLF", () => {
  const [config] = patchIsolinuxConfigs(
    [
      {
        file: "isolinux/isolinux.cfg",
        text: "timeout 50\r\nlabel linux\r\n  kernel vmlinuz\r\n  append quiet\r\n",
      },
    ],
    options,
  );
  assert.equal(config?.text.split("\r\n").length, 6);
  assert.ok(!/[^\r]\n/.test(config?.text ?? ""));
});

test("a menu with only rescue and media-check entries is refused with the entries it saw", () => {
  const text =
    "label rescue\n  kernel vmlinuz\n  append inst.rescue\nlabel check\n  kernel vmlinuz\n  append rd.live.check\n";
  assert.throws(
    () => patchIsolinuxConfigs([{ file: "isolinux/isolinux.cfg", text }], options),
    /isolinux\/isolinux.cfg: no install entry found.*"rescue", "check"/,
  );
});

test("arguments with spaces are refused with a hint to escape them", () => {
  assert.throws(
    () =>
      patchIsolinuxConfigs([{ file: "isolinux/isolinux.cfg", text: "" }], {
        kernelArgs: ["inst.ks=hd:LABEL=My Disk"],
      }),
    /contains whitespace.*udevEscape/,
  );
});
