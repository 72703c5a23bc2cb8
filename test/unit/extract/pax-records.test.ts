import assert from "node:assert/strict";
import { test } from "node:test";
import { encodePaxRecords, parsePaxRecords } from "../../../src/steps/extract/pax-records.js";

test("binary values (capabilities, ACLs) survive a round trip byte for byte", () => {
  const capability = Buffer.from("0100000200200000000000000000000000000000", "hex");
  const acl = Buffer.from([2, 0, 0, 0, 1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff, 0x0a, 0x3d, 0x20]);
  const records = new Map([
    ["SCHILY.xattr.security.capability", capability],
    ["SCHILY.xattr.system.posix_acl_access", acl],
    ["path", Buffer.from("caf\xe9", "latin1")],
  ]);
  assert.deepEqual(parsePaxRecords(encodePaxRecords(records)), records);
});

test("each record's length counts its own digits, also across a digit carry", () => {
  for (let valueLength = 0; valueLength < 1100; valueLength++) {
    const encoded = encodePaxRecords([["k", Buffer.alloc(valueLength, 0x61)]]);
    const declared = Number(encoded.toString("latin1", 0, encoded.indexOf(0x20)));
    assert.equal(declared, encoded.length, `value of ${valueLength} bytes`);
  }
});

test("a record GNU tar wrote parses, and trailing NUL padding is ignored", () => {
  const records = parsePaxRecords(
    Buffer.from("30 mtime=1700000000.123456789\n20 SCHILY.xattr.a=b\n\0\0\0", "latin1"),
  );
  assert.deepEqual([...records.keys()], ["mtime", "SCHILY.xattr.a"]);
  assert.equal(records.get("SCHILY.xattr.a")?.toString(), "b");
});

test("malformed records are rejected", () => {
  assert.throws(() => parsePaxRecords(Buffer.from("99 path=x\n")), /malformed pax record/);
  assert.throws(() => parsePaxRecords(Buffer.from("9 pathx\n")), /malformed pax record/);
});
