// POSIX ACLs travel twice in GNU tar's output: as the kernel's binary xattrs
// (SCHILY.xattr.system.posix_acl_access|default, numeric ids) and as text (SCHILY.acl.access|default).
// The text names users and groups as the *appliance's* /etc/passwd knows them, not the guest's, so we
// regenerate it from the binary form with numeric ids, which GNU tar and bsdtar both accept.
// XFS also lists its on-disk copy of each ACL as trusted.SGI_ACL_FILE|DEFAULT; restored anywhere else
// that is a meaningless trusted xattr (and XFS rebuilds it from the ACL), so it is dropped.

import { xattrPrefix } from "./tar-entry.js";

const tags = { userObj: 0x01, user: 0x02, groupObj: 0x04, group: 0x08, mask: 0x10, other: 0x20 } as const;
const undefinedId = 0xffffffff;

/** The text form ("user::rw-\nuser:1000:r--\n…") of a system.posix_acl_* xattr value. */
export function aclTextFromXattr(value: Buffer): string {
  if (value.length < 4 || (value.length - 4) % 8 !== 0 || value.readUInt32LE(0) !== 2) {
    throw new Error("unrecognised POSIX ACL xattr (expected version 2)");
  }
  const lines: string[] = [];
  for (let at = 4; at < value.length; at += 8) {
    const tag = value.readUInt16LE(at);
    const perm = value.readUInt16LE(at + 2);
    const id = value.readUInt32LE(at + 4);
    const qualifier = id === undefinedId ? "" : String(id);
    lines.push(`${tagName(tag)}:${tag === tags.user || tag === tags.group ? qualifier : ""}:${perms(perm)}`);
  }
  return lines.map((line) => `${line}\n`).join("");
}

const xfsAclCopies = [`${xattrPrefix}trusted.SGI_ACL_FILE`, `${xattrPrefix}trusted.SGI_ACL_DEFAULT`];

/**
 * Replaces the name-based ACL text records with numeric ones derived from the binary xattrs, and
 * drops XFS's private ACL copies.
 */
export function withPortableAcls(extended: Map<string, Buffer>): Map<string, Buffer> {
  const kinds = ["access", "default"] as const;
  if (!kinds.some((kind) => extended.has(`${xattrPrefix}system.posix_acl_${kind}`))) return extended;
  const result = new Map(extended);
  for (const key of xfsAclCopies) result.delete(key);
  for (const kind of kinds) {
    const binary = extended.get(`${xattrPrefix}system.posix_acl_${kind}`);
    if (binary) result.set(`SCHILY.acl.${kind}`, Buffer.from(aclTextFromXattr(binary), "latin1"));
  }
  return result;
}

function tagName(tag: number): string {
  switch (tag) {
    case tags.userObj:
    case tags.user:
      return "user";
    case tags.groupObj:
    case tags.group:
      return "group";
    case tags.mask:
      return "mask";
    case tags.other:
      return "other";
    default:
      throw new Error(`unrecognised POSIX ACL entry tag ${tag}`);
  }
}

function perms(perm: number): string {
  return `${perm & 4 ? "r" : "-"}${perm & 2 ? "w" : "-"}${perm & 1 ? "x" : "-"}`;
}
