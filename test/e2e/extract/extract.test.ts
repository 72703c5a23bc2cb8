import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ProgressEvent } from "../../../src/plan/progress.js";
import { extract, type ExtractRequest, type ExtractResult } from "../../../src/steps/extract/index.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { fixtureDisks, type FixtureDisk, type FixtureName } from "../../helpers/disk-fixtures.js";
import { cpioNames, cpioVerbose, fileInCpio, fileInTar, tarNames } from "./archive-contents.js";
import { treeDifferences } from "./compare-trees.js";
import { guestListings, localListing, type Listing } from "./tree-listing.js";

const skip =
  process.getuid?.() !== 0
    ? "needs root (device nodes, owners, xattrs)"
    : !hasGuestfish() && "needs guestfish";

interface Scenario {
  title: string;
  disk: FixtureName;
  outputs: ExtractRequest["outputs"];
  postProcess: ExtractRequest["postProcess"];
}

const newHash = "$6$new$c2FsdGVkaGFzaA";
const scenarios: Scenario[] = [
  {
    title: "ext4 partition, Debian-like: gzip, split modules, everything post-processed",
    disk: "ext4",
    outputs: all("gzip", true),
    postProcess: {
      commentFstab: true,
      disableSelinux: true,
      emptyMachineId: true,
      sshHostKeys: "remove",
      rootPassword: { kind: "locked" },
    },
  },
  {
    title: "xfs raw image, Fedora-like: zstd, host keys restricted, new root hash",
    disk: "xfs",
    outputs: all("zstd", false),
    postProcess: {
      commentFstab: false,
      disableSelinux: true,
      emptyMachineId: false,
      sshHostKeys: "restrict",
      rootPassword: { kind: "hash", hash: newHash },
    },
  },
  {
    title: "LVM root with a /boot partition: uncompressed, nothing post-processed",
    disk: "lvm",
    outputs: all("none", true),
    postProcess: {
      commentFstab: false,
      disableSelinux: false,
      emptyMachineId: false,
      sshHostKeys: "keep",
      rootPassword: { kind: "unchanged" },
    },
  },
];

describe("extract from libguestfs fixture disks", { skip }, () => {
  let work = "";
  let disks: Record<FixtureName, FixtureDisk>;
  let guest: Record<FixtureName, Listing>;

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "extract-e2e-"));
    disks = await fixtureDisks();
    const [ext4, xfs, lvm] = await guestListings([disks.ext4, disks.xfs, disks.lvm]);
    const none: Listing = new Map();
    guest = { ext4: ext4 ?? none, xfs: xfs ?? none, lvm: lvm ?? none };
  });
  after(() => rm(work, { recursive: true, force: true }));

  for (const scenario of scenarios) {
    describe(scenario.title, () => {
      let result: ExtractResult;
      const events: ProgressEvent[] = [];
      const compression = scenario.outputs.cgz.compression;
      const key = "etc/ssh/ssh_host_ed25519_key";

      before(async () => {
        const disk = disks[scenario.disk];
        const outDir = path.join(work, scenario.disk);
        const { outputs, postProcess } = scenario;
        const onProgress = (event: ProgressEvent) => events.push(event);
        result = await extract({
          disk: disk.path,
          format: disk.format,
          outDir,
          outputs,
          postProcess,
          onProgress,
        });
      });

      test("the nfsroot has the guest's owners, modes, types, sizes, links, devices, xattrs and ACLs", async () => {
        const post = scenario.postProcess;
        const expected = {
          dropped: new Set(post.sshHostKeys === "remove" ? [key, `${key}.pub`] : []),
          rewritten: new Set(["etc/fstab", "etc/selinux/config", "etc/machine-id", "etc/shadow"]),
          modes: new Map(post.sshHostKeys === "restrict" ? [[key, "600"]] : []),
        };
        const local = await localListing(result.nfsroot ?? "");
        assert.deepEqual(treeDifferences(guest[scenario.disk], local, expected), []);
        const ping = local.get("usr/bin/ping");
        assert.equal(ping?.xattrs["security.capability"], "0x0100000200200000000000000000000000000000");
        assert.match(
          execFileSync("getfacl", ["-n", path.join(result.nfsroot ?? "", "srv/shared/acl-file")], {
            encoding: "utf8",
          }),
          /user:1234:rw-/,
        );
      });

      test("the cgz holds the nfsroot's paths, minus the kernel modules when they are split off", async () => {
        const tree = [...(await localListing(result.nfsroot ?? "")).keys()].sort();
        const cgz = (await cpioNames(result.cgz ?? "", compression)).sort();
        const kver = result.kernelVersion ?? "";
        const isModule = (name: string) =>
          /^(usr\/)?lib\/modules\/[^/]+/.test(name) && name.includes(`modules/${kver}`);
        if (!scenario.outputs.splitModules) return assert.deepEqual(cgz, tree);
        assert.deepEqual(
          cgz,
          tree.filter((name) => !isModule(name)),
        );
        const modules = await cpioNames(result.modulesCgz ?? "", compression);
        assert.deepEqual(modules.filter(isModule).sort(), tree.filter(isModule));
        assert.ok(modules.some((name) => name.endsWith("dummy.ko")));
      });

      test("the cgz keeps hard links, devices and special modes for GNU cpio", async () => {
        const cgz = result.cgz ?? "";
        const gzip = await cpioVerbose(cgz, compression, "usr/bin/gzip");
        assert.match(gzip, /^-rwxr-xr-x\s+3\s+0\s+0\s/);
        assert.match(await cpioVerbose(cgz, compression, "usr/bin/passwd"), /^-rwsr-xr-x/);
        assert.match(await cpioVerbose(cgz, compression, "dev/sda"), /^brw-rw----\s+1\s+0\s+0\s+8,\s+0/);
        assert.match(await cpioVerbose(cgz, compression, "run/initctl"), /^prw-------/);
        assert.match(await cpioVerbose(cgz, compression, "var/lib/big-uid-file"), /\s3000000\s+3000000\s/);
        const sizes = await Promise.all(
          ["gzip", "gunzip", "zcat"].map((n) => fileInCpio(cgz, compression, `usr/bin/${n}`)),
        );
        assert.deepEqual(
          sizes.map((content) => content.length).sort(),
          [0, 0, 70 * 1024],
          "data once, on the first name",
        );
      });

      test("the tarball holds the same paths as the nfsroot", async () => {
        const tree = [...(await localListing(result.nfsroot ?? "")).keys()].sort();
        assert.deepEqual(
          (await tarNames(result.tarball ?? "", scenario.outputs.tarball.compression)).sort(),
          tree,
        );
      });

      test("post-processing happened in every output", async () => {
        const post = scenario.postProcess;
        for (const [where, read] of readers(result, scenario)) {
          const fstab = await read("etc/fstab");
          const active = fstab.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
          assert.equal(active.length === 0, post.commentFstab, `${where}: fstab`);
          const selinux = (await read("etc/selinux/config")).match(/^SELINUX=(.*)$/m)?.[1];
          assert.equal(selinux, post.disableSelinux ? "disabled" : "enforcing", `${where}: selinux`);
          assert.equal(
            (await read("etc/machine-id")).length,
            post.emptyMachineId ? 0 : 33,
            `${where}: machine-id`,
          );
          const rootField = (await read("etc/shadow")).split("\n")[0]?.split(":")[1];
          const password = post.rootPassword;
          const want =
            password.kind === "locked" ? "!" : password.kind === "hash" ? password.hash : "$6$old$oldhash";
          assert.equal(rootField, want, `${where}: root password`);
        }
        const keyPath = path.join(result.nfsroot ?? "", key);
        const keyStat = await stat(keyPath).catch(() => undefined);
        if (post.sshHostKeys === "remove") {
          assert.equal(keyStat, undefined);
          assert.ok(!(await cpioNames(result.cgz ?? "", compression)).includes(key));
          assert.ok(
            !(await tarNames(result.tarball ?? "", scenario.outputs.tarball.compression)).includes(key),
          );
        }
        if (post.sshHostKeys === "restrict") {
          assert.equal((keyStat?.mode ?? 0) & 0o7777, 0o600);
          assert.match(await cpioVerbose(result.cgz ?? "", compression, key), /^-rw-------/);
        }
      });

      test("the newest kernel and its initrd are copied out, and the OS is described", async () => {
        const disk = disks[scenario.disk];
        assert.equal(result.kernelVersion, disk.kernelVersion);
        assert.equal((await readFile(result.kernel ?? "")).length, 300 * 1024);
        assert.equal((await readFile(result.initrd ?? "")).length, 200 * 1024);
        assert.equal(result.os.distro, disk.distro);
        assert.equal(result.os.type, "linux");
        assert.equal(result.packageCount, disk.distro === "debian" ? 3 : undefined);
        assert.ok(
          result.files > 60 && result.bytes > 3 * 1024 * 1024,
          `${result.files} files, ${result.bytes} bytes`,
        );
      });

      test("progress reports bytes against the used space", () => {
        const bytes = events.filter((event) => event.kind === "bytes");
        assert.ok(bytes.length > 0);
        const last = bytes.at(-1);
        assert.equal(last?.kind === "bytes" && last.done, result.bytes);
        assert.ok(last?.kind === "bytes" && (last.total ?? 0) > 0);
      });
    });
  }

  for (const format of ["qcow2", "raw"] as const) {
    test(`random bytes as a ${format} image fail with ExtractFailed and leave nothing behind`, async () => {
      const disk = path.join(work, `random.${format}`);
      await writeFile(disk, randomBytes(16 * 1024 * 1024));
      const outDir = path.join(work, `out-random-${format}`);
      await assert.rejects(
        extract({
          disk,
          format,
          outDir,
          outputs: all("gzip", false),
          postProcess: scenarios[0]!.postProcess,
        }),
        (err: unknown) => {
          assert.ok(err instanceof StepFailure);
          assert.equal(err.reason, "ExtractFailed");
          assert.match(
            err.message,
            format === "raw" ? /No operating system found/ : /Cannot open the disk image/,
          );
          assert.match(err.message, /; check /);
          return true;
        },
      );
      assert.deepEqual(await readdir(outDir).catch(() => []), []);
    });
  }
});

function all(compression: "gzip" | "zstd" | "none", splitModules: boolean): ExtractRequest["outputs"] {
  return {
    nfsroot: true,
    cgz: { enabled: true, compression },
    tarball: { enabled: true, compression },
    kernel: true,
    splitModules,
  };
}

type Reader = (name: string) => Promise<string>;

function readers(result: ExtractResult, scenario: Scenario): [string, Reader][] {
  const { cgz, tarball } = scenario.outputs;
  return [
    ["nfsroot", (name) => readFile(path.join(result.nfsroot ?? "", name), "latin1")],
    ["cgz", (name) => fileInCpio(result.cgz ?? "", cgz.compression, name)],
    ["tarball", (name) => fileInTar(result.tarball ?? "", tarball.compression, name)],
  ];
}

function hasGuestfish(): boolean {
  try {
    execFileSync("guestfish", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
