import type { ListedFile, Listing } from "./tree-listing.js";

export interface Expected {
  /** Paths post-processing removes. */
  dropped: ReadonlySet<string>;
  /** Paths whose content post-processing rewrites (their size may change). */
  rewritten: ReadonlySet<string>;
  /** Paths whose mode post-processing changes, with the new mode as stat %a prints it. */
  modes: ReadonlyMap<string, string>;
}

/** Every way the nfsroot differs from the guest beyond what post-processing should change. */
export function treeDifferences(guest: Listing, local: Listing, expected: Expected): string[] {
  const problems: string[] = [];
  const guestLinks = hardLinkGroups(guest);
  const localLinks = hardLinkGroups(local);
  for (const [path, want] of guest) {
    const got = local.get(path);
    if (expected.dropped.has(path)) {
      if (got) problems.push(`${path}: should have been removed`);
      continue;
    }
    if (!got) {
      problems.push(`${path}: missing`);
      continue;
    }
    const expectedMode = expected.modes.get(path) ?? want.mode;
    const fields: [string, unknown, unknown][] = [
      ["type", want.type, got.type],
      ["mode", expectedMode, got.mode],
      ["uid", want.uid, got.uid],
      ["gid", want.gid, got.gid],
      ["symlink", want.symlink, got.symlink],
      ["xattrs", JSON.stringify(portable(want.xattrs)), JSON.stringify(portable(got.xattrs))],
    ];
    if (!isDirectory(want)) {
      fields.push(
        ["nlink", want.nlink, got.nlink],
        ["hard links", guestLinks.get(path), localLinks.get(path)],
      );
      if (!expected.rewritten.has(path)) fields.push(["size", want.size, got.size]);
    }
    if (want.type.includes("special")) fields.push(["rdev", want.rdev, got.rdev]);
    for (const [name, a, b] of fields) {
      if (a !== b) problems.push(`${path}: ${name} ${String(a)} in the guest, ${String(b)} in the nfsroot`);
    }
  }
  for (const path of local.keys()) if (!guest.has(path)) problems.push(`${path}: not in the guest`);
  return problems;
}

/** path → all names of its inode, for files with several names. */
function hardLinkGroups(listing: Listing): Map<string, string> {
  const byInode = new Map<string, string[]>();
  for (const [path, file] of listing) {
    if (isDirectory(file) || file.nlink < 2) continue;
    byInode.set(file.inode, [...(byInode.get(file.inode) ?? []), path]);
  }
  const groups = new Map<string, string>();
  for (const names of byInode.values()) {
    const group = [...names].sort().join(" = ");
    for (const name of names) groups.set(name, group);
  }
  return groups;
}

function isDirectory(file: ListedFile): boolean {
  return file.type === "directory";
}

/**
 * Xattrs sorted, without XFS's trusted.SGI_ACL_* (its on-disk copy of the POSIX ACL, which it derives
 * from system.posix_acl_* again; the ACL itself is compared through those).
 */
function portable(record: Record<string, string>): [string, string][] {
  return Object.entries(record)
    .filter(([name]) => !name.startsWith("trusted.SGI_ACL_"))
    .sort(([a], [b]) => (a < b ? -1 : 1));
}
