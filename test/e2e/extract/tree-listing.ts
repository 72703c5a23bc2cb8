// One shell script lists a tree — types, modes, owners, sizes, link counts, inodes, device numbers,
// symlink targets, every xattr (security.capability, system.posix_acl_* = ACLs) — and runs both in
// the libguestfs appliance over the guest's mounted filesystems and locally over the nfsroot, so the
// two listings are comparable line for line. The guest listings are cached beside the fixture disks.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { guestfish, type FixtureDisk } from "../../helpers/disk-fixtures.js";

const run = promisify(execFile);

const script = `cd "$1" || exit 1
find . -print0 | xargs -0 stat -c '%n|%F|%a|%u|%g|%s|%h|%d:%i|%t:%T'
echo '@@symlinks'
find . -type l -printf '%p|%l\\n'
echo '@@xattrs'
getfattr -R -P -d -m - -e hex . 2>/dev/null || true
`;

export interface ListedFile {
  type: string;
  mode: string;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  inode: string;
  rdev: string;
  symlink?: string;
  xattrs: Record<string, string>;
}

export type Listing = Map<string, ListedFile>;

export async function localListing(root: string): Promise<Listing> {
  const { stdout } = await run("sh", ["-c", script, "sh", root], {
    maxBuffer: 64 * 1024 * 1024,
    encoding: "latin1",
  });
  return parseListing(stdout);
}

/** Listings of the fixture disks as the appliance sees them (one launch for all, then cached). */
export async function guestListings(disks: FixtureDisk[]): Promise<Listing[]> {
  const key = createHash("sha256").update(script).digest("hex").slice(0, 12);
  const cached = (disk: FixtureDisk) => `${disk.path}.listing-${key}`;
  const texts = await Promise.all(
    disks.map((disk) => readFile(cached(disk), "latin1").catch(() => undefined)),
  );
  if (texts.some((text) => text === undefined)) {
    const fresh = await listInAppliance(disks);
    await Promise.all(disks.map((disk, i) => writeFile(cached(disk), fresh[i] ?? "", "latin1")));
    return fresh.map(parseListing);
  }
  return texts.map((text) => parseListing(text ?? ""));
}

async function listInAppliance(disks: FixtureDisk[]): Promise<string[]> {
  const wrapper = `list_tree() {\n${script}\n}\nlist_tree /sysroot | gzip -c | base64 -w0\necho\n`;
  const command = `debug sh "echo ${Buffer.from(wrapper).toString("base64")} | base64 -d | sh"`;
  const commands = ["run"];
  disks.forEach((disk, index) => {
    const letter = String.fromCharCode(97 + index);
    for (const [device, mountpoint] of disk.mounts) {
      commands.push(`mount-ro ${device.replace(/^\/dev\/sda/, `/dev/sd${letter}`)} ${mountpoint}`);
    }
    commands.push(command, "umount-all");
  });
  const drives = disks.flatMap((disk) => [`--format=${disk.format}`, "-a", disk.path]);
  const output = await guestfish(["--ro", ...drives], commands);
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => gunzipSync(Buffer.from(line, "base64")).toString("latin1"));
}

export function parseListing(text: string): Listing {
  const listing: Listing = new Map();
  const [stats = "", rest = ""] = text.split("\n@@symlinks\n");
  const [symlinks = "", xattrs = ""] = rest.split("\n@@xattrs\n");
  for (const line of stats.split("\n").filter(Boolean)) {
    const [name = "", type = "", mode = "", uid, gid, size, nlink, inode = "", rdev = ""] = line.split("|");
    listing.set(clean(name), {
      type: type.replace("regular empty file", "regular file"),
      mode,
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      nlink: Number(nlink),
      inode,
      rdev,
      xattrs: {},
    });
  }
  for (const line of symlinks.split("\n").filter(Boolean)) {
    const bar = line.indexOf("|");
    const file = listing.get(clean(line.slice(0, bar)));
    if (file) file.symlink = line.slice(bar + 1);
  }
  let current: ListedFile | undefined;
  for (const line of xattrs.split("\n")) {
    if (line.startsWith("# file: ")) current = listing.get(clean(unescapeOctal(line.slice(8))));
    const match = /^([^=]+)=(0x[0-9a-f]*)$/.exec(line);
    if (current && match?.[1] && match[2]) current.xattrs[match[1]] = match[2];
  }
  return listing;
}

/** getfattr prints non-ASCII bytes of names as \ooo. */
function unescapeOctal(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function clean(name: string): string {
  const trimmed = name.replace(/^\.\/?/, "");
  return trimmed === "" ? "." : path.posix.normalize(trimmed);
}
