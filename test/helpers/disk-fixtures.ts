// Small installed-looking disks for extract tests, built without an installer: a directory tree with
// every kind of file-system object is tarred with GNU tar (xattrs, ACLs, numeric owners) and unpacked
// by libguestfs onto freshly made filesystems. Needs root (device nodes, owners, security.* xattrs).
// Disks are cached under $ROOTFS_CACHE_DIR/fixtures/<hash of this file>/.
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmod,
  chown,
  link,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type FixtureName = "ext4" | "xfs" | "lvm";

export interface FixtureDisk {
  name: FixtureName;
  path: string;
  format: "qcow2" | "raw";
  distro: "debian" | "fedora";
  kernelVersion: string;
  /** How to mount it read-only in guestfish without inspection: [device, mountpoint], "/" first. */
  mounts: [string, string][];
}

interface Variant extends Omit<FixtureDisk, "path"> {
  file: string;
  size: string;
  /** guestfish commands that make and mount the filesystems of drive `dev` (e.g. /dev/sda). */
  prepare: (dev: string) => string[];
  fstab: string;
}

const kernels = {
  debian: ["6.1.0-9-amd64", "6.1.0-10-amd64"],
  fedora: ["6.5.5-200.fc39.x86_64", "6.5.6-300.fc39.x86_64"],
};

const variants: Variant[] = [
  {
    name: "ext4",
    file: "ext4.qcow2",
    format: "qcow2",
    size: "256M",
    distro: "debian",
    kernelVersion: "6.1.0-10-amd64",
    mounts: [["/dev/sda1", "/"]],
    prepare: (d) => [`part-disk ${d} mbr`, `mkfs ext4 ${d}1`, `mount ${d}1 /`],
    fstab: "# /etc/fstab\nUUID=0a1b / ext4 errors=remount-ro 0 1\n/dev/sda5 none swap sw 0 0\n",
  },
  {
    name: "xfs",
    file: "xfs.img",
    format: "raw",
    size: "512M",
    distro: "fedora",
    kernelVersion: "6.5.6-300.fc39.x86_64",
    mounts: [["/dev/sda1", "/"]],
    prepare: (d) => [`part-disk ${d} gpt`, `mkfs xfs ${d}1`, `mount ${d}1 /`],
    fstab: "/dev/sda1 / xfs defaults 0 0\n",
  },
  {
    name: "lvm",
    file: "lvm.qcow2",
    format: "qcow2",
    size: "512M",
    distro: "fedora",
    kernelVersion: "6.5.6-300.fc39.x86_64",
    mounts: [
      ["/dev/fixturevg/root", "/"],
      ["/dev/sda1", "/boot"],
    ],
    prepare: (d) => [
      `part-init ${d} mbr`,
      `part-add ${d} p 2048 133119`,
      `part-add ${d} p 133120 -2048`,
      `mkfs ext4 ${d}1`,
      `pvcreate ${d}2`,
      "vgcreate fixturevg " + `${d}2`,
      "lvcreate-free root fixturevg 100",
      "mkfs ext4 /dev/fixturevg/root",
      "mount /dev/fixturevg/root /",
      "mkdir /boot",
      `mount ${d}1 /boot`,
    ],
    fstab: "/dev/mapper/fixturevg-root / ext4 defaults 1 1\n/dev/sda1 /boot ext4 defaults 1 2\n",
  },
];

/** Builds (or reuses) the three fixture disks: ext4 on a partition, xfs (raw image), LVM with /boot. */
export async function fixtureDisks(): Promise<Record<FixtureName, FixtureDisk>> {
  const key = createHash("sha256")
    .update(await readFile(import.meta.filename))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(cacheRoot(), "fixtures", key);
  if (!(await exists(path.join(dir, "complete")))) await buildAll(dir);
  const disks = variants.map(({ file, size: _s, prepare: _p, fstab: _f, ...disk }) => ({
    ...disk,
    path: path.join(dir, file),
  }));
  return Object.fromEntries(disks.map((disk) => [disk.name, disk])) as Record<FixtureName, FixtureDisk>;
}

export function cacheRoot(): string {
  return process.env.ROOTFS_CACHE_DIR ?? path.join(os.homedir(), ".cache", "rootfs-operator");
}

async function buildAll(dir: string): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error("building fixture disks needs root (device nodes, owners, security.* xattrs)");
  await mkdir(path.dirname(dir), { recursive: true });
  const work = await mkdtemp(`${dir}.building-`);
  try {
    const script = ["run"];
    for (const [index, variant] of variants.entries()) {
      const tree = path.join(work, `${variant.name}-tree`);
      await makeTree(tree, variant);
      const tar = path.join(work, `${variant.name}.tar`);
      await run("tar", [
        "-C",
        tree,
        "-cf",
        tar,
        "--xattrs",
        "--xattrs-include=*",
        "--acls",
        "--numeric-owner",
        ".",
      ]);
      await run("qemu-img", [
        "create",
        "-q",
        "-f",
        variant.format,
        path.join(work, variant.file),
        variant.size,
      ]);
      const dev = `/dev/sd${String.fromCharCode(97 + index)}`;
      script.push(...variant.prepare(dev), `tar-in ${tar} / xattrs:true acls:true`, "umount-all");
    }
    const drives = variants.flatMap((v) => ["--format=" + v.format, "-a", path.join(work, v.file)]);
    await guestfish(drives, script);
    for (const variant of variants) await rm(path.join(work, `${variant.name}-tree`), { recursive: true });
    await writeFile(path.join(work, "complete"), "");
    await rm(dir, { recursive: true, force: true });
    await rename(work, dir);
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Runs guestfish on `drives` with `commands` on stdin; rejects with its stderr on failure. A failed
 * launch is retried once on TCG, for machines whose (nested) KVM makes qemu abort.
 */
export async function guestfish(drives: string[], commands: string[], forceTcg = false): Promise<string> {
  const settings = forceTcg ? { LIBGUESTFS_BACKEND_SETTINGS: "force_tcg" } : {};
  const child = execFile("guestfish", drives, {
    env: { ...process.env, LIBGUESTFS_BACKEND: process.env.LIBGUESTFS_BACKEND ?? "direct", ...settings },
    maxBuffer: 256 * 1024 * 1024,
  });
  child.stdin?.end(commands.join("\n") + "\n");
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: string) => (stdout += d));
  child.stderr?.on("data", (d: string) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code === 0) return stdout;
  if (!forceTcg && stderr.includes("guestfs_launch failed")) return guestfish(drives, commands, true);
  throw new Error(`guestfish failed (${code}): ${stderr.trim()}`);
}

async function makeTree(root: string, variant: Variant): Promise<void> {
  const debian = variant.distro === "debian";
  const [oldKernel = "", kernel = ""] = kernels[variant.distro];
  const file = async (rel: string, content: string | Buffer, mode = 0o644, uid = 0, gid = 0) => {
    const p = path.join(root, rel);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, content);
    await chown(p, uid, gid);
    await chmod(p, mode);
  };
  const dir = async (rel: string, mode = 0o755, uid = 0, gid = 0) => {
    await mkdir(path.join(root, rel), { recursive: true });
    await chown(path.join(root, rel), uid, gid);
    await chmod(path.join(root, rel), mode);
  };
  const sh = (command: string, ...args: string[]) => run(command, args, { cwd: root });
  await dir(".", 0o555);
  const moduleDir = debian ? `lib/modules/${kernel}` : `usr/lib/modules/${kernel}`;
  if (!debian) {
    for (const top of ["bin", "lib", "sbin"]) await dir(`usr/${top}`);
    for (const top of ["bin", "lib", "sbin"]) await symlink(`usr/${top}`, path.join(root, top));
  }
  await file(
    "etc/os-release",
    debian
      ? 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n'
      : 'NAME="Fedora Linux"\nVERSION_ID=39\nID=fedora\nPRETTY_NAME="Fedora Linux 39 (Server Edition)"\n',
  );
  if (debian) await file("etc/debian_version", "12.5\n");
  if (debian)
    await file(
      "var/lib/dpkg/status",
      ["base-files", "bash", "dash"]
        .map(
          (p) =>
            `Package: ${p}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\nDescription: ${p}\n`,
        )
        .join("\n") +
        "\nPackage: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 0.9\nDescription: removed\n",
    );
  await file("etc/fstab", variant.fstab);
  await file("etc/hosts", "127.0.0.1 localhost\n");
  await file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
  await file("etc/group", "root:x:0:\ntty:x:5:\nalice:x:1000:\n");
  await file(
    "etc/shadow",
    "root:$6$old$oldhash:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n",
    debian ? 0o640 : 0,
    0,
    debian ? 42 : 0,
  );
  await file("etc/selinux/config", "# SELinux\nSELINUX=enforcing\nSELINUXTYPE=targeted\n");
  await file("etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0o444);
  await file("etc/ssh/ssh_host_ed25519_key", "PRIVATE KEY\n", debian ? 0o600 : 0o640, 0, debian ? 0 : 998);
  await file("etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA root@fixture\n");
  await file("etc/ssh/sshd_config", "PermitRootLogin no\n");
  await file(`boot/vmlinuz-${kernel}`, randomBytes(300 * 1024));
  await file(`boot/vmlinuz-${oldKernel}`, randomBytes(1000));
  await file(debian ? `boot/initrd.img-${kernel}` : `boot/initramfs-${kernel}.img`, randomBytes(200 * 1024));
  if (!debian) await file("boot/vmlinuz-0-rescue-0123456789abcdef", randomBytes(1000));
  await file(`${moduleDir}/kernel/drivers/net/dummy.ko`, randomBytes(5000));
  await file(`${moduleDir}/modules.dep`, "kernel/drivers/net/dummy.ko:\n");
  await file(`${debian ? "bin" : "usr/bin"}/sh`, "#!shell\n", 0o755);
  const bin = "usr/bin";
  await file(`${bin}/passwd`, "setuid\n", 0o4755);
  await file(`${bin}/wall`, "setgid\n", 0o2755, 0, 5);
  await file(`${bin}/gzip`, randomBytes(70 * 1024), 0o755);
  await link(path.join(root, bin, "gzip"), path.join(root, bin, "gunzip"));
  await link(path.join(root, bin, "gzip"), path.join(root, bin, "zcat"));
  await file(`${bin}/ping`, "needs cap_net_raw\n", 0o755);
  await sh(
    "setfattr",
    "-n",
    "security.capability",
    "-v",
    "0x0100000200200000000000000000000000000000",
    `${bin}/ping`,
  );
  await file("usr/share/doc/notes.txt", "with a user xattr\n");
  await sh("setfattr", "-n", "user.comment", "-v", "hello", "usr/share/doc/notes.txt");
  await file("usr/share/doc/naïve file — ünïcode.txt", "utf-8 name with spaces\n");
  await file(
    `usr/share/${"deep-directory-name/".repeat(6)}file-with-a-rather-long-name-to-pass-the-ustar-limit.txt`,
    "long path\n",
  );
  await symlink(`../share/${"x".repeat(120)}/target`, path.join(root, bin, "long-symlink"));
  await symlink("gzip", path.join(root, bin, "compress"));
  await file("usr/share/big.bin", randomBytes(3 * 1024 * 1024 + 7));
  await file("srv/shared/acl-file", "acl\n");
  await sh("setfacl", "-m", "u:1234:rw-,g:4321:r--", "srv/shared/acl-file");
  await dir("srv/shared/acl-dir");
  await sh("setfacl", "-d", "-m", "u:1234:rwx", "srv/shared/acl-dir");
  await dir("home/alice", 0o700, 1000, 1000);
  await file("home/alice/.profile", "alice\n", 0o600, 1000, 1000);
  await file("var/lib/big-uid-file", "owned by a large uid\n", 0o644, 3000000, 3000000);
  await dir("var/empty");
  await dir("tmp", 0o1777);
  await dir("dev");
  await sh("mknod", "-m", "666", "dev/null", "c", "1", "3");
  await sh("mknod", "-m", "660", "dev/sda", "b", "8", "0");
  await dir("run");
  await sh("mkfifo", "-m", "600", "run/initctl");
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
