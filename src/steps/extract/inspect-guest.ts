import { guestfishQuote as q, type GuestfishSession } from "./guestfish-session.js";
import { listHardLinks } from "./list-hard-links.js";
import { newestBootFiles, type BootFiles } from "./kernel-files.js";

export interface GuestOs {
  type: string;
  distro: string;
  version: string;
  product?: string;
}

export interface GuestFacts {
  root: string;
  os: GuestOs;
  boot?: BootFiles;
  packageCount?: number;
  /** Bytes in use on the mounted filesystems: the progress total. */
  usedBytes?: number;
  /** path → link count, for every non-directory with more than one name (undefined: unknown). */
  linkCounts?: Map<string, number>;
}

export class NoOperatingSystemError extends Error {
  override name = "NoOperatingSystemError";
}

/**
 * Finds the installed OS with libguestfs inspection (which understands partitions, LVM, fstab),
 * mounts its filesystems read-only at their mountpoints, and gathers what the outputs need.
 * Link counts cost a metadata walk of the guest, so they are only listed for the cpio writer.
 */
export async function inspectAndMount(
  session: GuestfishSession,
  { needLinkCounts }: { needLinkCounts: boolean },
): Promise<GuestFacts> {
  const roots = (await session.run("inspect-os")).filter((line) => line.trim() !== "");
  const root = await pickLinuxRoot(session, roots);
  const [type = "", distro = "", productName = "", major = "", minor = ""] = await session.run(
    ...["type", "distro", "product-name", "major-version", "minor-version"].map(
      (what) => `inspect-get-${what} ${q(root)}`,
    ),
  );
  const mountpoints = await mountFilesystems(session, root);
  const osRelease = parseOsRelease(await session.run("-cat /etc/os-release"));
  const bootNames = await session.run("-ls /boot");
  const applications = await session.run(`-inspect-list-applications2 ${q(root)}`);
  const packageCount = applications.filter((line) => /^\s*app2_name:/.test(line)).length;
  // Debian's inspected product name is /etc/debian_version ("12.5"); os-release says it better.
  const product = osRelease.PRETTY_NAME ?? known(productName);
  return {
    root,
    os: {
      type,
      distro: known(distro) ?? osRelease.ID ?? "unknown",
      version: osRelease.VERSION_ID ?? (minor === "0" ? major : `${major}.${minor}`),
      ...(product !== undefined && { product }),
    },
    boot: newestBootFiles(bootNames),
    ...(packageCount > 0 && { packageCount }),
    usedBytes: await usedBytes(session, mountpoints),
    ...(needLinkCounts && { linkCounts: await listHardLinks(session) }),
  };
}

async function pickLinuxRoot(session: GuestfishSession, roots: string[]): Promise<string> {
  for (const root of roots) {
    const [type] = await session.run(`inspect-get-type ${q(root)}`);
    if (type === "linux") return root;
  }
  throw new NoOperatingSystemError(
    roots.length === 0
      ? "libguestfs inspection found no operating system"
      : `libguestfs inspection found no Linux root (only ${roots.join(", ")})`,
  );
}

/**
 * Mounts the root filesystem inspection found at "/" (the fstab's own "/" line may name a UUID that
 * no longer exists), then the other fstab mountpoints, shallow ones first. As libguestfs advises,
 * a non-root filesystem that does not mount is skipped rather than fatal.
 */
async function mountFilesystems(session: GuestfishSession, root: string): Promise<string[]> {
  const lines = await session.run(`inspect-get-mountpoints ${q(root)}`);
  const others = lines
    .map((line) => /^(\/.*?): (.+)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, mountpoint = "", device = ""]) => ({ mountpoint, device }))
    .filter(({ mountpoint }) => mountpoint !== "/")
    .sort((a, b) => depth(a.mountpoint) - depth(b.mountpoint));
  await session.run(`mount-ro ${q(root)} /`);
  for (const { mountpoint, device } of others) {
    await session.run(`-mount-ro ${q(device)} ${q(mountpoint)}`);
  }
  // "device: mountpoint" for what actually mounted
  return (await session.run("mountpoints")).map((line) => line.slice(line.lastIndexOf(": ") + 2));
}

async function usedBytes(session: GuestfishSession, mountpoints: string[]): Promise<number | undefined> {
  let total = 0;
  for (const mountpoint of mountpoints) {
    const stats = new Map(
      (await session.run(`-statvfs ${q(mountpoint)}`)).map((line) => {
        const [key = "", value = ""] = line.split(": ");
        return [key.trim(), Number(value)] as const;
      }),
    );
    const used = ((stats.get("blocks") ?? NaN) - (stats.get("bfree") ?? NaN)) * (stats.get("frsize") ?? NaN);
    if (Number.isFinite(used)) total += used;
  }
  return total > 0 ? total : undefined;
}

export function parseOsRelease(lines: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) fields[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

function known(value: string): string | undefined {
  return value === "" || value === "unknown" ? undefined : value;
}

function depth(mountpoint: string): number {
  return mountpoint.split("/").length;
}
