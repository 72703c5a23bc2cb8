// The worker image built by scripts/build-images.sh runs `rootfs worker extract` on a fixture disk as the
// extract Job the operator makes runs it (extractJob's command, env, mounts and securityContext), in both
// of the Job's shapes: uid 65532 without capabilities when it writes no nfsroot tree ("restricted"), and
// uid 0 with only treeWriterCapabilities when it writes one onto the storage PVC ("baseline"). The
// outputs are checked against the disk itself. Missing images fail in CI and skip elsewhere (see images.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { treeWriterCapabilities, workerUid } from "../../../src/controller/builders/worker-pod.js";
import { treeDigest } from "../../../src/pipeline/tree-digest.js";
import { sha256OfFile } from "../../../src/lib/files.js";
import { set } from "../../helpers/builds.js";
import { fixtureDisks, guestfish, type FixtureDisk, type FixtureName } from "../../helpers/disk-fixtures.js";
import { cpioNames, cpioVerbose } from "../extract/archive-contents.js";
import { treeDifferences, type Expected } from "../extract/compare-trees.js";
import { guestListings, localListing, type Listing } from "../extract/tree-listing.js";
import { assertRanAs, runExtractJob, type JobRun } from "./extract-job-run.js";
import { imageConfig, readOnlyRun, skipWithoutImages, workerImage } from "./images.js";
import { workerConfig } from "./worker-config.js";
import { nfsrootUnpackFlags } from "../../../src/steps/extract/open-sinks.js";

const exec = promisify(execFile);
const skip = await skipWithoutImages([workerImage]);
const nonRoot = `${workerUid}:${workerUid}`;
const hostKey = "etc/ssh/ssh_host_ed25519_key";
// The defaults the build gets: host keys removed; fstab, SELinux config and machine-id rewritten.
const expected: Expected = {
  dropped: new Set([hostKey, `${hostKey}.pub`]),
  rewritten: new Set(["etc/fstab", "etc/selinux/config", "etc/machine-id"]),
  modes: new Map(),
};
const none: Listing = new Map();
// open-sinks.ts's bsdtar, which unpacks the guest's tar stream into the nfsroot.
const nfsrootUnpack = ["bsdtar", ...nfsrootUnpackFlags];

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
    describe(`as the extract Job without an nfsroot runs it on the ${name} disk: uid 65532, no capabilities`, () => {
      let job: JobRun;
      let disk: FixtureDisk;

      before(async () => {
        disk = disks[name];
        const config = await workerConfig(`image-job-${name}`, disk, set("spec.outputs.nfsroot", false));
        job = await runExtractJob(path.join(work, `job-${name}`), disk, config);
      });

      test("ran as uid 65532 without capabilities, with no_new_privs, a read-only root and only /tmp and /output writable", () => {
        assertRanAs(job, workerUid, []);
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
        const wanted = [...(guest.get(name)?.keys() ?? [])].filter((n) => !expected.dropped.has(n)).sort();
        assert.deepEqual(names, wanted);
        assert.match(await cpioVerbose(cgz, "gzip", "usr/bin/passwd"), /^-rwsr-xr-x\s+1\s+0\s+0\s/);
        assert.match(await cpioVerbose(cgz, "gzip", "dev/sda"), /^brw-rw----\s+1\s+0\s+0\s+8,\s+0/);
        assert.match(await cpioVerbose(cgz, "gzip", "var/lib/big-uid-file"), /\s3000000\s+3000000\s/);
        assert.match(await cpioVerbose(cgz, "gzip", "home/alice"), /^drwx------\s+\d+\s+1000\s+1000\s/);
      });
    });
  }

  describe("as the extract Job that writes an nfsroot runs it on the xfs disk: uid 0 with treeWriterCapabilities only", () => {
    let job: JobRun;
    let nfsroot = "";

    before(async () => {
      const config = await workerConfig("image-nfsroot", disks.xfs);
      job = await runExtractJob(path.join(work, "job-nfsroot"), disks.xfs, config);
      nfsroot = path.join(job.out, "rootfs");
    });

    test(`ran as uid 0 with only ${treeWriterCapabilities.join(", ")}, with no_new_privs, a read-only root and only /tmp and /output writable`, () => {
      assertRanAs(job, 0, treeWriterCapabilities);
    });

    test("the nfsroot has the guest's owners, modes, types, sizes, links, devices, xattrs and ACLs", async () => {
      assert.deepEqual(treeDifferences(guest.get("xfs") ?? none, await localListing(nfsroot), expected), []);
    });

    test("the termination message reports the manifest's artifacts; the cgz lists the nfsroot, and the manifest's digests match both", async () => {
      assert.deepEqual((job.result as { artifacts: unknown }).artifacts, job.manifest.artifacts);
      const tree = [...(await localListing(nfsroot)).keys()].sort();
      assert.deepEqual((await cpioNames(path.join(job.out, "rootfs.cgz"), "gzip")).sort(), tree);
      const byKind = new Map(job.manifest.artifacts.map((a) => [a.kind, a]));
      assert.equal(byKind.get("nfsroot")?.sha256, (await treeDigest(nfsroot)).sha256);
      assert.equal(byKind.get("cgz")?.sha256, await sha256OfFile(path.join(job.out, "rootfs.cgz")));
    });

    // A failing `rootfs worker extract` would cost another appliance launch. The tree is bsdtar's work, so
    // the image's bsdtar, run as the worker runs it, unpacks this nfsroot (packed as tar) as uid 0 with no
    // capabilities, and, to show the archive is not the problem, with treeWriterCapabilities.
    test("as uid 0 without those capabilities, the worker's bsdtar cannot write the tree: owners, device nodes, file capabilities", async () => {
      const dir = path.join(work, "unpack");
      const archive = path.join(dir, "archive");
      await mkdir(archive, { recursive: true });
      // Names as raw bytes (hdrcharset=BINARY), as the worker's tar stream has them: its bsdtar runs in the
      // C locale, where pax's UTF-8 names would not convert.
      const pack = ["-c", "--options", "hdrcharset=BINARY", "--xattrs", "--acls", "--numeric-owner"];
      await exec("bsdtar", [...pack, "-f", `${archive}/nfsroot.tar`, "-C", nfsroot, "."]);
      const unpack = async (into: string, capabilities: readonly string[]) => {
        await mkdir(path.join(dir, into));
        const run = await readOnlyRun(workerImage, {
          user: "0:0",
          capabilities,
          mounts: [
            { host: archive, path: "/archive", readOnly: true },
            { host: path.join(dir, into), path: "/output" },
          ],
          command: [...nfsrootUnpack, "-C", "/output", "-f", "/archive/nfsroot.tar"],
        });
        const differences = treeDifferences(
          guest.get("xfs") ?? none,
          await localListing(path.join(dir, into)),
          expected,
        );
        return { run, differences };
      };

      const without = await unpack("without", []);
      assert.notEqual(without.run.code, 0, "bsdtar succeeded without capabilities");
      // What differs from the guest: just what takes CHOWN, MKNOD and SETFCAP (and the SGID bit, which
      // bsdtar does not set on a file whose group it could not set).
      const wrong = without.differences.map((d) => /^(.+?): (\w+)/.exec(d)?.slice(1).join(" ") ?? d);
      assert.deepEqual(
        wrong.sort(),
        [
          ...["home/alice uid", "home/alice gid", "home/alice/.profile uid", "home/alice/.profile gid"],
          ...[
            "var/lib/big-uid-file uid",
            "var/lib/big-uid-file gid",
            "usr/bin/wall gid",
            "usr/bin/wall mode",
          ],
          ...["dev/sda missing", "dev/null missing", "usr/bin/ping xattrs"],
        ].sort(),
        `${without.differences.join("\n")}\n${without.run.stderr}`,
      );

      const withCaps = await unpack("with", treeWriterCapabilities);
      assert.equal(withCaps.run.code, 0, withCaps.run.stderr);
      assert.deepEqual(withCaps.differences, []);
    });
  });
});
