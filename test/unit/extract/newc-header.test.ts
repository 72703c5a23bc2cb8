import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeNewcHeader, newcPadding, newcTrailer } from "../../../src/steps/extract/newc-header.js";

test("a newc header is 070701, thirteen 8-digit hex fields, the name, NUL, padding to 4 bytes", () => {
  const header = encodeNewcHeader({
    name: "etc/fstab",
    ino: 0x1234,
    mode: 0o100644,
    uid: 1000,
    gid: 100,
    nlink: 1,
    mtime: 0x5f5e1000,
    size: 0xabc,
    rdevMajor: 0,
    rdevMinor: 0,
  });
  const expected =
    "070701" +
    "00001234" + // ino
    "000081A4" + // mode 0100644
    "000003E8" + // uid
    "00000064" + // gid
    "00000001" + // nlink
    "5F5E1000" + // mtime
    "00000ABC" + // filesize
    "00000000" +
    "00000000" + // dev major, minor
    "00000000" +
    "00000000" + // rdev major, minor
    "0000000A" + // namesize incl. NUL
    "00000000" + // check
    "etc/fstab\0";
  assert.equal(header.length % 4, 0);
  assert.equal(header.length, 120); // 110 + 10, already a multiple of 4
  assert.equal(header.toString("latin1"), expected);
});

test("the name is padded so that the body starts on a 4-byte boundary", () => {
  for (const name of ["a", "ab", "abc", "abcd"]) {
    const header = encodeNewcHeader({
      name,
      ino: 1,
      mode: 0o40755,
      uid: 0,
      gid: 0,
      nlink: 2,
      mtime: 0,
      size: 0,
      rdevMajor: 0,
      rdevMinor: 0,
    });
    assert.equal(header.length % 4, 0, name);
    assert.equal(header.length, 110 + name.length + 1 + ((4 - ((110 + name.length + 1) % 4)) % 4));
    assert.ok(header.subarray(110 + name.length).every((byte) => byte === 0));
  }
});

test("bodies are padded to 4 bytes", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((size) => newcPadding(size).length),
    [0, 3, 2, 1, 0, 3],
  );
});

test("the trailer is an entry named TRAILER!!!", () => {
  const trailer = newcTrailer().toString("latin1");
  assert.match(trailer, /^070701/);
  assert.ok(trailer.includes("TRAILER!!!\0"));
  assert.equal(trailer.slice(6 + 4 * 8, 6 + 5 * 8), "00000001"); // nlink 1, like GNU cpio
});

test("device numbers go into rdevmajor/rdevminor, and values that do not fit are refused", () => {
  const header = encodeNewcHeader({
    name: "dev/sda",
    ino: 2,
    mode: 0o60660,
    uid: 0,
    gid: 6,
    nlink: 1,
    mtime: 0,
    size: 0,
    rdevMajor: 8,
    rdevMinor: 16,
  });
  assert.equal(header.toString("latin1", 6 + 9 * 8, 6 + 11 * 8), "0000000800000010");
  assert.throws(
    () =>
      encodeNewcHeader({
        name: "huge",
        ino: 3,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        nlink: 1,
        mtime: 0,
        size: 2 ** 32,
        rdevMajor: 0,
        rdevMinor: 0,
      }),
    /does not fit a newc cpio header/,
  );
});
