import assert from "node:assert/strict";
import { test } from "node:test";
import { aclTextFromXattr, withPortableAcls } from "../../../src/steps/extract/posix-acl.js";

// getfattr -e hex of a file with `setfacl -m u:1234:rw-,g:4321:r--`
const access = Buffer.from(
  "0200000001000600ffffffff02000600d204000004000400ffffffff08000400e110000010000600ffffffff20000400ffffffff",
  "hex",
);

test("the binary ACL xattr becomes text with numeric ids", () => {
  assert.equal(
    aclTextFromXattr(access),
    "user::rw-\nuser:1234:rw-\ngroup::r--\ngroup:4321:r--\nmask::rw-\nother::r--\n",
  );
});

test("name-based ACL text from the appliance is replaced, and XFS's ACL copies are dropped", () => {
  const extended = new Map([
    ["SCHILY.acl.access", Buffer.from("user::rw-\nuser:appliance-user:rw-\n")],
    ["SCHILY.xattr.system.posix_acl_access", access],
    ["SCHILY.xattr.trusted.SGI_ACL_FILE", Buffer.from([0, 0, 0, 6])],
    ["SCHILY.xattr.user.note", Buffer.from("kept")],
  ]);
  const portable = withPortableAcls(extended);
  assert.match(portable.get("SCHILY.acl.access")?.toString() ?? "", /^user::rw-\nuser:1234:rw-\n/);
  assert.equal(portable.has("SCHILY.xattr.trusted.SGI_ACL_FILE"), false);
  assert.equal(portable.get("SCHILY.xattr.system.posix_acl_access"), access);
  assert.equal(portable.get("SCHILY.xattr.user.note")?.toString(), "kept");
});

test("entries without ACLs are passed through untouched", () => {
  const extended = new Map([["SCHILY.xattr.user.note", Buffer.from("x")]]);
  assert.equal(withPortableAcls(extended), extended);
});

test("an ACL xattr in an unknown format is refused", () => {
  assert.throws(() => aclTextFromXattr(Buffer.from([1, 0, 0, 0])), /expected version 2/);
});
