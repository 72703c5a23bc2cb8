import { gunzipSync } from "node:zlib";
import type { GuestfishSession } from "./guestfish-session.js";

// The cpio writer must know, when the FIRST name of a multiply-linked inode streams past, that more
// names follow (see NewcArchive). tar does not say, so we ask the appliance's own find(1) once
// before streaming: a metadata-only walk that also warms the inode cache for the tar that follows.
// guestfish has no API for link counts, so this uses `debug sh` (a shell in the appliance, not the
// guest). The script travels base64-encoded because guestfish re-splits and unquotes its arguments,
// and the answer comes back gzip+base64 because it may hold any bytes and must fit one message.
const script = "cd /sysroot && find . ! -type d -links +1 -printf '%n %P\\0' | gzip -1 -c | base64 -w0; echo";

/**
 * path (as in the tar stream) → st_nlink, for every non-directory that has more than one name.
 * Undefined if the appliance cannot tell (a libguestfs built without the debug command).
 */
export async function listHardLinks(session: GuestfishSession): Promise<Map<string, number> | undefined> {
  const encoded = Buffer.from(script).toString("base64");
  const output = (await session.run(`-debug sh "echo ${encoded} | base64 -d | sh"`)).join("");
  if (output === "") return undefined;
  return parseLinkList(gunzipSync(Buffer.from(output, "base64")));
}

/** Parses NUL-separated "<nlink> <path>" records. */
export function parseLinkList(list: Buffer): Map<string, number> {
  const links = new Map<string, number>();
  for (const record of list.toString("latin1").split("\0")) {
    const space = record.indexOf(" ");
    if (space <= 0) continue;
    links.set(record.slice(space + 1), Number(record.slice(0, space)));
  }
  return links;
}
