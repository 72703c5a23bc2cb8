import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { answerVolumeFor } from "../../../src/installers/answer-volume.js";
import { bootArgsFor } from "../../../src/installers/boot-args.js";
import { consoleFor, needsUefi } from "../../../src/installers/machine.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import { udevEscape } from "../../../src/installers/udev-escape.js";

const labels = { answerVolumeLabel: "OEMDRV", isoLabel: "openEuler-22.03-LTS-SP4-x86_64" };

describe("bootArgsFor", () => {
  it("points anaconda at ks.cfg on the answer volume and at the ISO, in text mode, without the media check", () => {
    const args = bootArgsFor(profileFor("openeuler", "22.03-LTS-SP4", "x86_64"), "x86_64", labels);
    assert.deepEqual(args.add, [
      "inst.stage2=hd:LABEL=openEuler-22.03-LTS-SP4-x86_64",
      "inst.ks=hd:LABEL=OEMDRV:/ks.cfg",
      "inst.text",
      "console=ttyS0,115200",
    ]);
    assert.ok(args.remove.includes("rd.live.check"));
    assert.ok(!args.add.some((a) => a.startsWith("rd.live.check")));
  });

  it("udev-escapes labels with spaces", () => {
    const args = bootArgsFor(profileFor("fedora", "42", "aarch64"), "aarch64", {
      answerVolumeLabel: "OEM DRV",
      isoLabel: "Fedora 42 aarch64",
    });
    assert.ok(args.add.includes("inst.stage2=hd:LABEL=Fedora\\x2042\\x20aarch64"));
    assert.ok(args.add.includes("inst.ks=hd:LABEL=OEM\\x20DRV:/ks.cfg"));
    assert.ok(args.add.includes("console=ttyAMA0,115200"));
  });

  it("preseeds Debian from the ISO at critical priority", () => {
    assert.deepEqual(bootArgsFor(profileFor("debian", "12", "x86_64"), "x86_64", labels).add, [
      "auto=true",
      "priority=critical",
      "preseed/file=/cdrom/preseed.cfg",
      "console=ttyS0,115200",
    ]);
  });

  it("names no preseed file for a preseed in the initrd, which debian-installer reads by itself", () => {
    const profile = profileFor("debian", "12", "x86_64");
    const medium = { mountedByInstaller: false };
    assert.deepEqual(answerVolumeFor(profile, medium), { kind: "initrd" });
    const args = bootArgsFor(profile, "x86_64", labels, answerVolumeFor(profile, medium));
    assert.deepEqual(args.add, ["auto=true", "priority=critical", "console=ttyS0,115200"]);
    assert.ok(args.remove.includes("preseed/file"), "a preseed/file= already on the entry goes");
    // Kickstart and autoinstall find their side volume by label on any medium.
    assert.equal(answerVolumeFor(profileFor("rocky", "9", "x86_64"), medium).kind, "side-volume");
  });

  it("only says autoinstall to Ubuntu: cloud-init finds the cidata volume by label", () => {
    const args = bootArgsFor(profileFor("ubuntu", "24.04", "aarch64"), "aarch64", labels);
    assert.deepEqual(args.add, ["autoinstall", "console=ttyAMA0,115200"]);
    assert.ok(!args.add.some((a) => a.startsWith("ds=")));
  });
});

describe("udevEscape", () => {
  it("escapes like lorax's mkksiso: only bytes outside a-zA-Z0-9#+.:=@_-", () => {
    assert.equal(udevEscape("CentOS-Stream-9-BaseOS-x86_64"), "CentOS-Stream-9-BaseOS-x86_64");
    assert.equal(udevEscape("a b/c'd"), "a\\x20b\\x2fc\\x27d");
    assert.equal(udevEscape("tab\there"), "tab\\x09here");
    assert.equal(udevEscape("ünï"), "ünï");
  });
});

describe("answerVolumeFor", () => {
  it("puts kickstarts on OEMDRV, autoinstall on cidata, and preseed inside the ISO", () => {
    assert.deepEqual(answerVolumeFor(profileFor("rhel", "9", "x86_64")), {
      kind: "side-volume",
      label: "OEMDRV",
    });
    assert.deepEqual(answerVolumeFor(profileFor("ubuntu", "22.04", "x86_64")), {
      kind: "side-volume",
      label: "cidata",
    });
    assert.deepEqual(answerVolumeFor(profileFor("debian", "13", "aarch64")), {
      kind: "embedded",
      isoPath: "/preseed.cfg",
    });
  });
});

describe("machine", () => {
  it("needs UEFI only on aarch64 and picks the arch's serial console", () => {
    assert.equal(needsUefi("aarch64"), true);
    assert.equal(needsUefi("x86_64"), false);
    assert.equal(consoleFor("x86_64").kernelArg, "console=ttyS0,115200");
    assert.equal(consoleFor("aarch64").device, "ttyAMA0");
  });
});
