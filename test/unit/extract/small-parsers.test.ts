import assert from "node:assert/strict";
import { test } from "node:test";
import { condenseStderr, guestfishQuote } from "../../../src/steps/extract/guestfish-session.js";
import { parseOsRelease } from "../../../src/steps/extract/inspect-guest.js";
import { parseLinkList } from "../../../src/steps/extract/list-hard-links.js";
import { isAncestorOf, isUnder, moduleRoots, outputPaths } from "../../../src/steps/extract/output-layout.js";

test("guestfish errors are condensed to what it said, without stdin line prefixes", () => {
  const stderr =
    "*stdin*:3: libguestfs: error: mount_ro: /dev/sda9: No such file\nlibguestfs: warning: noise\n";
  assert.equal(condenseStderr(stderr), "mount_ro: /dev/sda9: No such file");
});

test("libguestfs's launch advice is left out of the condensed error", () => {
  const stderr = [
    "*stdin*:1: libguestfs: error: appliance closed the connection unexpectedly.",
    "This usually means the libguestfs appliance crashed.",
    "Do:",
    "  export LIBGUESTFS_DEBUG=1 LIBGUESTFS_TRACE=1",
    "and run the command again.  For further information, read:",
    "  http://libguestfs.org/guestfs-faq.1.html#debugging-libguestfs",
    "*stdin*:1: libguestfs: error: guestfs_launch failed.",
  ].join("\n");
  assert.equal(
    condenseStderr(stderr),
    "appliance closed the connection unexpectedly.; guestfs_launch failed.",
  );
});

test("guestfish arguments are double-quoted with backslash escapes", () => {
  assert.equal(guestfishQuote('/dev/mapper/vg-my "root"\\'), '"/dev/mapper/vg-my \\"root\\"\\\\"');
});

test("os-release values lose their quotes", () => {
  assert.deepEqual(parseOsRelease(['NAME="Fedora Linux"', "VERSION_ID=39", "# comment", "ID='fedora'"]), {
    NAME: "Fedora Linux",
    VERSION_ID: "39",
    ID: "fedora",
  });
});

test("the appliance's hard-link list maps paths (any bytes) to link counts", () => {
  const list = Buffer.concat([Buffer.from("3 usr/bin/gzip\0"), Buffer.from("2 a b\xff\0", "latin1")]);
  assert.deepEqual(
    parseLinkList(list),
    new Map([
      ["usr/bin/gzip", 3],
      ["a b\xff", 2],
    ]),
  );
});

test("split modules cover lib/modules/<kver> in both layouts; their parents go to both archives", () => {
  const roots = moduleRoots("6.1.0");
  assert.ok(isUnder("lib/modules/6.1.0/kernel/x.ko", roots));
  assert.ok(isUnder("usr/lib/modules/6.1.0", roots));
  assert.ok(!isUnder("lib/modules/6.1.0-old/x.ko", roots));
  assert.ok(!isUnder("lib/modules", roots));
  assert.deepEqual(
    ["usr", "usr/lib", "lib", "lib/modules", ".", "etc"].map((p) => isAncestorOf(p, roots)),
    [true, true, true, true, false, false],
  );
});

test("output names follow the compression; the modules cgz only exists when split and a kernel was found", () => {
  const outputs = {
    nfsroot: true,
    cgz: { enabled: true, compression: "zstd" as const },
    tarball: { enabled: true, compression: "none" as const },
    kernel: true,
    splitModules: true,
  };
  const boot = { version: "6.1", kernel: "boot/vmlinuz-6.1" };
  assert.deepEqual(outputPaths("/o", outputs, boot), {
    nfsroot: "/o/rootfs",
    cgz: "/o/rootfs.cpio.zst",
    modulesCgz: "/o/modules.cpio.zst",
    tarball: "/o/rootfs.tar",
    kernel: "/o/vmlinuz",
  });
  assert.deepEqual(outputPaths("/o", { ...outputs, nfsroot: false, kernel: false }, undefined), {
    cgz: "/o/rootfs.cpio.zst",
    tarball: "/o/rootfs.tar",
  });
});
