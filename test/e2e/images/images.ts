// The images scripts/build-images.sh makes, and a way to run a command in one of them without a container
// engine that mirrors the securityContext the Jobs get: a read-only-root chroot with only the given mounts
// writable, as a given user with exactly the given capabilities and no_new_privs.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { toolVersion } from "../../../src/version.js";

const exec = promisify(execFile);

const registry = process.env.IMAGE_REGISTRY ?? "ghcr.io/rootfs-operator";
export const operatorImage = `${registry}/operator:${toolVersion}`;
export const workerImage = `${registry}/worker:${toolVersion}`;

const buildahEnv = { ...process.env, BUILDAH_ISOLATION: "chroot" };

export async function buildah(args: string[]): Promise<string> {
  const { stdout } = await exec("buildah", args, { env: buildahEnv, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * The `skip` option for the suites that need `images`: false when they are in the local store, else why
 * not. Missing images are a failure in CI (`CI=true`), where .ci/run builds them first: a test that
 * fails with that message is registered then. Elsewhere the suites just skip.
 */
export async function skipWithoutImages(images: string[]): Promise<string | false> {
  const unavailable = await imagesUnavailable(images);
  if (unavailable === undefined) return false;
  if (process.env.CI === "true")
    test(`${images.join(" and ")} can be tested`, () => assert.fail(unavailable));
  return unavailable;
}

/** Why the image tests cannot run here, or undefined when they can. */
async function imagesUnavailable(images: string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "needs root (buildah's store, fixture disks)";
  const missing: string[] = [];
  for (const image of images) {
    const found = await buildah(["inspect", "--type", "image", image]).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(image);
  }
  if (missing.length === 0) return undefined;
  return `image${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not in the local store: build with scripts/build-images.sh`;
}

export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
}

export async function imageConfig(image: string): Promise<ImageConfig> {
  const inspected = JSON.parse(await buildah(["inspect", "--type", "image", image])) as {
    OCIv1: { config?: ImageConfig };
  };
  return inspected.OCIv1.config ?? {};
}

export interface Mount {
  host: string;
  path: string;
  readOnly?: boolean;
}

export interface RunOptions {
  /** uid:gid */
  user: string;
  mounts: Mount[];
  command: string[];
  /** NAME=value entries over the image's environment (a container's env). */
  env?: string[];
  /**
   * The capabilities the command gets, named as in a securityContext (CHOWN, not CAP_CHOWN): its bounding,
   * permitted and effective sets for uid 0 (a non-zero uid keeps none of them past exec). None by default.
   */
  capabilities?: readonly string[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs in a private mount namespace: binds the mounts into the container's root, adds /proc, /dev (its
// top read-only: nothing makes nodes in the host's /dev) and a read-only /sys, makes the root itself
// read-only, chroots, and there the image's setpriv becomes `user` with the image's env only, no
// inheritable capabilities, the bounding set `caps` and no_new_privs (allowPrivilegeEscalation: false).
const readOnlyScript = `set -eu
root=$1 user=$2 group=$3 caps=$4
shift 4
while [ "$1" != -- ]; do
  src=$1 dst=$2 mode=$3
  shift 3
  if [ -d "$src" ]; then mkdir -p "$root$dst"; else mkdir -p "$(dirname "$root$dst")" && touch "$root$dst"; fi
  mount --bind "$src" "$root$dst"
  [ "$mode" = rw ] || mount -o remount,bind,ro "$root$dst"
done
shift
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -o remount,bind,ro "$root/dev"
mount --rbind /sys "$root/sys"
mount -o remount,bind,ro "$root/sys"
mount -o remount,bind,ro "$root"
exec chroot "$root" /usr/bin/setpriv --reuid="$user" --regid="$group" --groups="$group" --inh-caps=-all \\
  --bounding-set="$caps" --no-new-privs /usr/bin/env -i "$@"
`;

/**
 * Runs `command` in `image` with a read-only root filesystem, as `user` with `capabilities` only, with the
 * image's environment (and `env`) and only the given mounts writable.
 */
export async function readOnlyRun(image: string, opts: RunOptions): Promise<RunResult> {
  const env = (await imageConfig(image)).Env ?? [];
  const [uid = "", gid = uid] = opts.user.split(":");
  return withContainer(image, async (container) => {
    const root = await buildah(["mount", container]);
    try {
      const mounts = opts.mounts.flatMap((m) => [m.host, m.path, m.readOnly ? "ro" : "rw"]);
      const args = ["--mount", "--propagation", "private", "sh", "-c", readOnlyScript, "sh"];
      const caps = ["-all", ...(opts.capabilities ?? []).map((cap) => `+${cap.toLowerCase()}`)].join(",");
      const identity = [uid, gid, caps];
      const environment = [...env, ...(opts.env ?? [])];
      return await capture("unshare", [
        ...args,
        root,
        ...identity,
        ...mounts,
        "--",
        ...environment,
        ...opts.command,
      ]);
    } finally {
      await buildah(["umount", container]);
    }
  });
}

async function withContainer<T>(image: string, use: (container: string) => Promise<T>): Promise<T> {
  const container = await buildah(["from", "--pull=never", "--quiet", image]);
  try {
    return await use(container);
  } finally {
    await buildah(["rm", container]);
  }
}

async function capture(command: string, args: string[]): Promise<RunResult> {
  try {
    const { stdout, stderr } = await exec(command, args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== "number") throw err;
    return { code: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
  }
}

// Linux's capability numbers (include/uapi/linux/capability.h), as a securityContext names them.
const capabilityByNumber = [
  ...["CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP"],
  ...["LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK"],
  ...["IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN"],
  ...["SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE"],
  ...["AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM"],
  ...["BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE"],
];

/** The capabilities in a /proc/<pid>/status mask (CapEff: 000000008800001b), sorted by name. */
export function capabilityNames(mask: string): string[] {
  const bits = BigInt(`0x${mask}`);
  const names: string[] = [];
  for (let n = 0; bits >> BigInt(n) !== 0n; n++) {
    if ((bits >> BigInt(n)) & 1n) names.push(capabilityByNumber[n] ?? `capability ${n}`);
  }
  return names.sort();
}
