import assert from "node:assert/strict";
import { test } from "node:test";
import { newcArchive } from "../../../src/steps/verify/newc-cpio.js";

interface Member {
  name: string;
  mode: number;
  rdev: [number, number];
  data: string;
}

/** Reads a newc archive back, checking magic and 4-byte alignment on the way. */
function readNewc(archive: Buffer): Member[] {
  const members: Member[] = [];
  let offset = 0;
  for (;;) {
    assert.equal(offset % 4, 0, "members start 4-byte aligned");
    assert.equal(archive.toString("ascii", offset, offset + 6), "070701");
    const field = (i: number) =>
      parseInt(archive.toString("ascii", offset + 6 + i * 8, offset + 14 + i * 8), 16);
    const [mode, size, rdevMajor, rdevMinor, nameSize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = archive.toString("utf8", offset + 110, offset + 110 + nameSize - 1);
    assert.equal(archive[offset + 110 + nameSize - 1], 0, "names are NUL-terminated");
    const dataStart = Math.ceil((offset + 110 + nameSize) / 4) * 4;
    const data = archive.toString("utf8", dataStart, dataStart + size);
    offset = Math.ceil((dataStart + size) / 4) * 4;
    if (name === "TRAILER!!!") break;
    members.push({ name, mode, rdev: [rdevMajor, rdevMinor], data });
  }
  assert.equal(offset, archive.length, "nothing after the trailer");
  return members;
}

test("newcArchive writes files, directories, symlinks and device nodes the kernel can unpack", () => {
  const archive = newcArchive([
    { type: "dir", path: "/dev" },
    { type: "char", path: "dev/console", major: 5, minor: 1 },
    { type: "file", path: "rootfs-check", data: Buffer.from("#!/bin/sh\n"), mode: 0o755 },
    { type: "symlink", path: "bin", target: "usr/bin" },
    { type: "file", path: "etc/os-release", data: Buffer.from("ID=x\n") },
  ]);
  assert.deepEqual(readNewc(archive), [
    { name: "dev", mode: 0o040755, rdev: [0, 0], data: "" },
    { name: "dev/console", mode: 0o020600, rdev: [5, 1], data: "" },
    { name: "rootfs-check", mode: 0o100755, rdev: [0, 0], data: "#!/bin/sh\n" },
    { name: "bin", mode: 0o120777, rdev: [0, 0], data: "usr/bin" },
    { name: "etc/os-release", mode: 0o100644, rdev: [0, 0], data: "ID=x\n" },
  ]);
});
