// The worker image built by scripts/build-images.sh runs `rootfs worker extract` on a fixture disk as the
// extract Job the operator makes runs it (extractJob's command, env, mounts and securityContext), in both
// of the Job's shapes: uid 65532 without capabilities when it writes no nfsroot tree ("restricted"), and
// uid 0 with only treeWriterCapabilities when it writes one onto the storage PVC ("baseline"). The
// outputs are checked against the disk itself. Missing images fail in CI and skip elsewhere (see images.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { buildConfigKey } from "../../../src/api/worker-contract.js";
import { treeWriterCapabilities, workerUid } from "../../../src/controller/builders/worker-pod.js";
import { manifestSchema, type Manifest } from "../../../src/api/output-manifest.js";
import { treeDigest } from "../../../src/pipeline/tree-digest.js";
import { sha256OfFile } from "../../../src/lib/files.js";
import { set } from "../../helpers/builds.js";
import { fixtureDisks, guestfish, type FixtureDisk, type FixtureName } from "../../helpers/disk-fixtures.js";
import { cpioNames, cpioVerbose } from "../extract/archive-contents.js";
import { treeDifferences, type Expected } from "../extract/compare-trees.js";
import { guestListings, localListing, type Listing } from "../extract/tree-listing.js";
import {
  capabilityNames,
  imageConfig,
  readOnlyRun,
  skipWithoutImages,
  workerImage,
  type RunResult,
} from "./images.js";
import { workerConfig, type WorkerConfig } from "./worker-config.js";
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
// The kubelet mounts the termination-log file there; here it is a file in the Job's /tmp.
const terminationLog = "/dev/termination-log";
// open-sinks.ts's bsdtar, which unpacks the guest's tar stream into the nfsroot.
const nfsrootUnpack = ["bsdtar", ...nfsrootUnpackFlags];

// Before the Job's command starts, records what its container is from inside, in /tmp: its ids,
// capability sets and no_new_privs (which the command keeps: exec gives uid 0 its bounding set, and any
// other uid nothing), and which of these directories it can create a file in.
const probed = ["/", "/etc", "/usr/local/lib", "/app", "/config", "/target", "/tmp", "/output"];
const probe = `grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):' /proc/self/status >/tmp/.probe-status
for dir in ${probed.join(" ")}; do
  if (: >"\${dir%/}/.probe") 2>/dev/null; then rm "\${dir%/}/.probe"; echo "$dir writable"; else echo "$dir read-only"; fi
done >/tmp/.probe-writable
exec "$@"`;

interface JobRun {
  run: RunResult;
  out: string;
  manifest: Manifest;
  /** The termination message. */
  result: unknown;
  /** /proc/self/status of the container's process: Uid, CapEff, NoNewPrivs… */
  status: Map<string, string>;
  /** "/tmp writable", "/ read-only"…, for each probed directory. */
  writable: string[];
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

/**
 * Runs the extract Job of `build` on `disk` with `readOnlyRun`: the container's user, capabilities, env
 * and command, its volumes as directories under `dir` (/output owned by the Job's user, as fsGroup makes
 * it for the non-root Job), writable or not as the Job mounts them.
 */
async function runExtractJob(dir: string, disk: FixtureDisk, build: WorkerConfig): Promise<JobRun> {
  const pod = build.extractJob.spec.template.spec;
  const [container] = pod.containers;
  assert.ok(container && pod.containers.length === 1 && !pod.initContainers);
  // What readOnlyRun always does: the run would not be the Job's if the Job asked for something else.
  const security = container.securityContext;
  assert.equal(security.readOnlyRootFilesystem, true);
  assert.equal(security.allowPrivilegeEscalation, false);
  assert.deepEqual(security.capabilities.drop, ["ALL"]);
  const [uid, gid] = [security.runAsUser, pod.securityContext.runAsGroup];

  await mkdir(dir);
  await chmod(dir, 0o755);
  const config = path.join(dir, "config");
  const out = path.join(dir, "output");
  const tmp = path.join(dir, "tmp");
  await mkdir(config);
  await writeFile(path.join(config, buildConfigKey), build.json, { mode: 0o644 });
  await mkdir(out);
  await chown(out, uid, gid);
  await mkdir(tmp);
  await chmod(tmp, 0o1777);
  const volumes: Record<string, string> = {
    "/target": await targetDir(disk, dir),
    "/config": config,
    "/output": out,
    "/tmp": tmp,
  };
  const mounts = container.volumeMounts.map((mount) => {
    const host = volumes[mount.mountPath];
    assert.ok(host, `no local directory for the Job's mount ${mount.mountPath}`);
    return { host, path: mount.mountPath, readOnly: mount.readOnly ?? false };
  });
  const env = container.env.map((variable) => {
    assert.ok("value" in variable, `${variable.name} comes from a Secret`);
    return `${variable.name}=${variable.value}`;
  });
  assert.ok(container.command.includes(terminationLog), container.command.join(" "));
  const command = container.command.map((arg) => (arg === terminationLog ? "/tmp/termination-log" : arg));

  const run = await readOnlyRun(workerImage, {
    user: `${uid}:${gid}`,
    capabilities: security.capabilities.add ?? [],
    env,
    mounts,
    command: ["sh", "-c", probe, "sh", ...command],
  });
  assert.equal(run.code, 0, `rootfs worker extract failed:\n${run.stderr}\n${run.stdout}`);
  const inTmp = (name: string) => readFile(path.join(tmp, name), "utf8");
  const manifest = manifestSchema.parse(JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")));
  const status = new Map(
    (await inTmp(".probe-status")).split("\n").flatMap((line) => {
      const match = /^(\w+):\s*(.*?)\s*$/.exec(line);
      return match ? [[match[1] ?? "", match[2] ?? ""] as const] : [];
    }),
  );
  const writable = (await inTmp(".probe-writable")).trim().split("\n");
  return { run, out, manifest, result: JSON.parse(await inTmp("termination-log")), status, writable };
}

/** The container process ran as uid:gid with exactly `capabilities`, no_new_privs, and wrote only to /tmp and /output. */
function assertRanAs(job: JobRun, id: number, capabilities: readonly string[]): void {
  const ids = [id, id, id, id].join("\t");
  const sets = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] as const;
  assert.deepEqual(
    {
      Uid: job.status.get("Uid"),
      Gid: job.status.get("Gid"),
      NoNewPrivs: job.status.get("NoNewPrivs"),
      ...Object.fromEntries(sets.map((s) => [s, capabilityNames(job.status.get(s) ?? "0")])),
    },
    {
      Uid: ids,
      Gid: ids,
      NoNewPrivs: "1",
      CapInh: [],
      CapPrm: [...capabilities].sort(),
      CapEff: [...capabilities].sort(),
      CapBnd: [...capabilities].sort(),
      CapAmb: [],
    },
  );
  const writable = new Set(["/tmp", "/output"]);
  assert.deepEqual(
    job.writable,
    probed.map((dir) => `${dir} ${writable.has(dir) ? "writable" : "read-only"}`),
  );
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
