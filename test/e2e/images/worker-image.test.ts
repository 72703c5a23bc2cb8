// The worker image built by scripts/build-images.sh runs `rootfs worker extract` on a fixture disk the
// way the extract Job runs it, and its outputs are checked against the disk itself. Missing images fail
// in CI and skip elsewhere (see images.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { manifestSchema, type Manifest } from "../../../src/pipeline/manifest.js";
import { treeDigest } from "../../../src/pipeline/tree-digest.js";
import { sha256OfFile } from "../../../src/steps/files.js";
import { set } from "../../helpers/builds.js";
import { fixtureDisks, guestfish, type FixtureDisk, type FixtureName } from "../../helpers/disk-fixtures.js";
import { cpioNames, cpioVerbose } from "../extract/archive-contents.js";
import { treeDifferences } from "../extract/compare-trees.js";
import { guestListings, localListing, type Listing } from "../extract/tree-listing.js";
import {
  buildahRun,
  imageConfig,
  readOnlyRun,
  skipWithoutImages,
  workerImage,
  type RunResult,
} from "./images.js";
import { workerConfig } from "./worker-config.js";

const exec = promisify(execFile);
const skip = await skipWithoutImages([workerImage]);
const nonRoot = "65532:65532";
const hostKey = "etc/ssh/ssh_host_ed25519_key";
// The defaults the build gets: host keys removed; fstab, SELinux config and machine-id rewritten.
const dropped = new Set([hostKey, `${hostKey}.pub`]);
const rewritten = new Set(["etc/fstab", "etc/selinux/config", "etc/machine-id"]);
const none: Listing = new Map();

interface Extracted {
  run: RunResult;
  out: string;
  manifest: Manifest;
  result: unknown;
}

/**
 * The disk as a raw image where uid 65532 can read it, as the target PVC's disk.img is for the Job (the
 * fixture cache is under root's home). Sparse, so the copy is quick.
 */
async function targetDir(disk: FixtureDisk, dir: string): Promise<string> {
  const target = path.join(dir, "target");
  await mkdir(target);
  const image = path.join(target, "disk.img");
  if (disk.format === "raw") await exec("cp", ["--sparse=always", disk.path, image]);
  else await exec("qemu-img", ["convert", "-f", disk.format, "-O", "raw", disk.path, image]);
  await chmod(image, 0o644);
  return target;
}

/** A config dir, a writable output dir (owned by `uid`) and a /tmp, under `dir`. */
async function jobDirs(dir: string, json: string, uid: number) {
  const config = path.join(dir, "config");
  const out = path.join(dir, "output");
  const tmp = path.join(dir, "tmp");
  await mkdir(config, { recursive: true });
  await writeFile(path.join(config, "build.json"), json, { mode: 0o644 });
  await mkdir(out);
  await chown(out, uid, uid);
  await mkdir(tmp);
  await chmod(tmp, 0o1777);
  await chmod(dir, 0o755);
  return { config, out, tmp };
}

async function readOutputs(run: RunResult, out: string, resultFile: string): Promise<Extracted> {
  assert.equal(run.code, 0, `rootfs worker extract failed:\n${run.stderr}\n${run.stdout}`);
  const manifest = manifestSchema.parse(JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")));
  const result: unknown = JSON.parse(await readFile(path.join(out, resultFile), "utf8"));
  return { run, out, manifest, result };
}

describe("worker image", { skip }, () => {
  let work = "";
  let disks: Record<FixtureName, FixtureDisk>;
  const guest = new Map<FixtureName, Listing>();

  before(async () => {
    disks = await fixtureDisks();
    const listings = await guestListings([disks.xfs, disks.lvm]);
    guest.set("xfs", listings[0] ?? none);
    guest.set("lvm", listings[1] ?? none);
    work = await mkdtemp(path.join(os.tmpdir(), "worker-image-"));
  });
  after(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

  test("runs as uid 65532 and has every program the steps start", async () => {
    const config = await imageConfig(workerImage);
    assert.equal(config.User, nonRoot);
    assert.ok(config.Env?.includes("LIBGUESTFS_BACKEND=direct"), String(config.Env));
    const programs = "guestfish qemu-img qemu-system-x86_64 xorriso mdir mcopy pigz zstd cpio bsdtar rootfs";
    const script = `for p in ${programs}; do command -v "$p" >/dev/null || echo "missing $p"; done
      test -r "$LIBGUESTFS_PATH/root" || echo "no fixed appliance at $LIBGUESTFS_PATH"
      dpkg-query -W -f='\${db:Status-Status} \${Package}\\n' 'linux-image-*' | sed -n 's/^installed /still installed: /p'
      test ! -e /app/dist/test || echo "tests in the image"`;
    const run = await readOnlyRun(workerImage, { user: nonRoot, mounts: [], command: ["sh", "-c", script] });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
  });

  for (const name of ["xfs", "lvm"] as const) {
    describe(`as the extract Job runs it on the ${name} disk: uid 65532, read-only root, only /tmp and /output writable`, () => {
      let job: Extracted;
      let disk: FixtureDisk;

      before(async () => {
        disk = disks[name];
        const dir = path.join(work, `job-${name}`);
        await mkdir(dir);
        const { json } = await workerConfig(`image-job-${name}`, disk, set("spec.outputs.nfsroot", false));
        const { config, out, tmp } = await jobDirs(dir, json, 65532);
        const run = await readOnlyRun(workerImage, {
          user: nonRoot,
          mounts: [
            { host: await targetDir(disk, dir), path: "/target", readOnly: true },
            { host: config, path: "/config", readOnly: true },
            { host: out, path: "/output" },
            { host: tmp, path: "/tmp" },
          ],
          command: [
            ...[
              "rootfs",
              "worker",
              "extract",
              "--config",
              "/config/build.json",
              "--disk",
              "/target/disk.img",
            ],
            ...["--out", "/output", "--result", "/output/termination-log"],
          ],
        });
        job = await readOutputs(run, out, "termination-log");
      });

      test("the termination message reports the manifest's artifacts and the guest's kernel", () => {
        assert.deepEqual(job.result, {
          artifacts: job.manifest.artifacts,
          kernelVersion: disk.kernelVersion,
          steps: (job.result as { steps: unknown }).steps,
        });
        assert.deepEqual(
          job.manifest.artifacts.map((a) => a.kind),
          ["cgz", "kernel", "initrd"],
        );
      });

      test("every artifact has the manifest's sha256", async () => {
        for (const artifact of job.manifest.artifacts) {
          const file = path.join(job.out, artifact.location);
          assert.equal(await sha256OfFile(file), artifact.sha256, artifact.location);
        }
      });

      test("the kernel and initrd are the guest's files", async () => {
        const kernel = `/boot/vmlinuz-${disk.kernelVersion}`;
        const initrd = `/boot/initramfs-${disk.kernelVersion}.img`;
        const sums = await guestfish(
          ["--ro", `--format=${disk.format}`, "-a", disk.path],
          [
            "run",
            ...disk.mounts.map(([device, mountpoint]) => `mount-ro ${device} ${mountpoint}`),
            `checksum sha256 ${kernel}`,
            `checksum sha256 ${initrd}`,
          ],
        );
        const byKind = new Map(job.manifest.artifacts.map((a) => [a.kind, a.sha256]));
        assert.deepEqual(sums.trim().split("\n"), [byKind.get("kernel"), byKind.get("initrd")]);
      });

      test("the cgz holds the guest's files, with owners and devices a non-root worker cannot make on disk", async () => {
        const cgz = path.join(job.out, "rootfs.cgz");
        const names = (await cpioNames(cgz, "gzip")).sort();
        const expected = [...(guest.get(name)?.keys() ?? [])].filter((n) => !dropped.has(n)).sort();
        assert.deepEqual(names, expected);
        assert.match(await cpioVerbose(cgz, "gzip", "usr/bin/passwd"), /^-rwsr-xr-x\s+1\s+0\s+0\s/);
        assert.match(await cpioVerbose(cgz, "gzip", "dev/sda"), /^brw-rw----\s+1\s+0\s+0\s+8,\s+0/);
        assert.match(await cpioVerbose(cgz, "gzip", "var/lib/big-uid-file"), /\s3000000\s+3000000\s/);
        assert.match(await cpioVerbose(cgz, "gzip", "home/alice"), /^drwx------\s+\d+\s+1000\s+1000\s/);
      });
    });
  }

  describe("through buildah run as root on the xfs disk: the nfsroot tree", () => {
    let root: Extracted;

    before(async () => {
      const dir = path.join(work, "root");
      await mkdir(dir);
      const disk = disks.xfs;
      const { json } = await workerConfig("image-nfsroot", disk);
      const { config, out } = await jobDirs(dir, json, 0);
      // bsdtar makes the nfsroot's device nodes: buildah's default capabilities lack CAP_MKNOD.
      const run = await buildahRun(workerImage, {
        user: "0:0",
        capAdd: ["CAP_MKNOD"],
        mounts: [
          { host: path.dirname(disk.path), path: "/in", readOnly: true },
          { host: config, path: "/config", readOnly: true },
          { host: out, path: "/out" },
        ],
        command: [
          ...["rootfs", "worker", "extract", "--config", "/config/build.json"],
          ...["--disk", `/in/${path.basename(disk.path)}`, "--out", "/out", "--result", "/out/result.json"],
        ],
      });
      root = await readOutputs(run, out, "result.json");
    });

    test("the nfsroot has the guest's owners, modes, types, sizes, links, devices, xattrs and ACLs", async () => {
      const local = await localListing(path.join(root.out, "rootfs"));
      const expected = { dropped, rewritten, modes: new Map<string, string>() };
      assert.deepEqual(treeDifferences(guest.get("xfs") ?? none, local, expected), []);
    });

    test("the cgz lists the nfsroot, and the manifest's digests match both", async () => {
      const nfsroot = path.join(root.out, "rootfs");
      const tree = [...(await localListing(nfsroot)).keys()].sort();
      assert.deepEqual((await cpioNames(path.join(root.out, "rootfs.cgz"), "gzip")).sort(), tree);
      const byKind = new Map(root.manifest.artifacts.map((a) => [a.kind, a]));
      assert.equal(byKind.get("nfsroot")?.sha256, (await treeDigest(nfsroot)).sha256);
      assert.equal(byKind.get("cgz")?.sha256, await sha256OfFile(path.join(root.out, "rootfs.cgz")));
    });
  });

  // The extract Job drops every capability, so bsdtar cannot give the nfsroot its owners, device nodes
  // or file capabilities; the cgz (written by our own cpio writer) has them all. Kept visible as a TODO.
  test(
    "as uid 65532 the nfsroot output keeps the guest's owners",
    {
      todo: "bsdtar needs root's CHOWN, MKNOD, SETFCAP, FOWNER…, which the extract Job's securityContext drops",
    },
    async () => {
      const dir = path.join(work, "nonroot-nfsroot");
      await mkdir(dir);
      const { json } = await workerConfig("image-nonroot-nfsroot", disks.xfs);
      const { config, out, tmp } = await jobDirs(dir, json, 65532);
      const run = await readOnlyRun(workerImage, {
        user: nonRoot,
        mounts: [
          { host: await targetDir(disks.xfs, dir), path: "/target", readOnly: true },
          { host: config, path: "/config", readOnly: true },
          { host: out, path: "/output" },
          { host: tmp, path: "/tmp" },
        ],
        command: [
          ...["rootfs", "worker", "extract", "--config", "/config/build.json", "--disk", "/target/disk.img"],
          ...["--out", "/output", "--result", "/output/termination-log"],
        ],
      });
      await readOutputs(run, out, "termination-log");
      const local = await localListing(path.join(out, "rootfs"));
      const expected = { dropped, rewritten, modes: new Map<string, string>() };
      assert.deepEqual(treeDifferences(guest.get("xfs") ?? none, local, expected), []);
    },
  );
});
