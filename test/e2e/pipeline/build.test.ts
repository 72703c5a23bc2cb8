import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { sha256OfFile } from "../../../src/lib/files.js";
import type { TestServer } from "../../helpers/http-server.js";
import { repoRoot } from "../../helpers/paths.js";
import { buildTinyInstaller, serveTinyInstaller, type TinyInstaller } from "../../helpers/tiny-installer.js";

const run = promisify(execFile);

/** The parts of examples/tiny.yaml the fault cases change. */
interface TinyBuild {
  metadata: { name: string };
  spec: {
    source: Record<string, unknown>;
    install: {
      packages?: string[];
      timeout?: string;
      diskSize?: string;
      answerFile?: { fragments: string[] };
    };
  };
}
const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
const accel = process.env.ROOTFS_E2E_ACCEL ?? "auto";

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function rootfs(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe("rootfs build + verify on the tiny installer", { timeout: 45 * 60_000 }, () => {
  let installer: TinyInstaller;
  let server: TestServer;
  let work: string;
  let cache: string;

  before(async () => {
    installer = await buildTinyInstaller();
    server = await serveTinyInstaller(installer);
    work = await mkdtemp(path.join(tmpdir(), "rootfs-e2e-"));
    cache = path.join(work, "cache");
  });
  after(async () => {
    await server?.close();
    await rm(work, { recursive: true, force: true });
  });

  /** examples/tiny.yaml with changes, written to a file of its own. */
  async function variant(name: string, change: (build: TinyBuild) => void): Promise<string> {
    const build = parse(await readFile(path.join(repoRoot, "examples", "tiny.yaml"), "utf8")) as TinyBuild;
    build.metadata.name = name;
    change(build);
    const file = path.join(work, `${name}.yaml`);
    await writeFile(file, stringify(build));
    return file;
  }

  const build = (file: string, out: string, extra: string[] = []) =>
    rootfs(["build", "-f", file, "--out", out, "--cache", cache, "--accel", accel, ...extra]);

  test("builds examples/tiny.yaml into nfsroot + cgz + kernel, faithfully", async () => {
    const out = path.join(work, "tiny");
    const result = await build(path.join(repoRoot, "examples", "tiny.yaml"), out);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, /\[install\]/);

    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as {
      artifacts: { kind: string; location: string; size: number; sha256?: string }[];
      kernelVersion?: string;
    };
    for (const artifact of manifest.artifacts.filter((a) => a.kind !== "nfsroot")) {
      const file = path.join(out, artifact.location);
      assert.equal((await stat(file)).size, artifact.size, artifact.location);
      assert.equal(await sha256OfFile(file), artifact.sha256, artifact.location);
    }
    assert.ok(manifest.kernelVersion, "kernel version recorded");

    const rootfsDir = path.join(out, "rootfs");
    const setuid = await stat(path.join(rootfsDir, "usr/bin/tinysu"));
    assert.equal(setuid.mode & 0o4000, 0o4000, "setuid bit kept");
    const caps = await run("getcap", [path.join(rootfsDir, "usr/bin/tinyping")]);
    assert.match(caps.stdout, /cap_net_raw[=+]ep/);
    const dev = await stat(path.join(rootfsDir, "dev/tinynull"));
    assert.ok(dev.isCharacterDevice(), "device node kept");
    const fstab = await readFile(path.join(rootfsDir, "etc/fstab"), "utf8");
    assert.ok(
      fstab.split("\n").filter((l) => l.trim() && !l.startsWith("#")).length === 0,
      "fstab commented out",
    );
    assert.equal((await stat(path.join(rootfsDir, "etc/machine-id"))).size, 0);

    const listed = (
      await run("sh", ["-c", `gzip -dc '${path.join(out, "rootfs.cgz")}' | cpio -t --quiet`], {
        maxBuffer: 64 << 20,
      })
    ).stdout
      .split("\n")
      .filter((l) => l && l !== ".")
      .map((l) => l.replace(/^\.\//, ""))
      .sort();
    const tree = (await run("find", [".", "-mindepth", "1"], { cwd: rootfsDir, maxBuffer: 64 << 20 })).stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/^\.\//, ""))
      .sort();
    assert.deepEqual(listed, tree, "the cgz holds exactly the nfsroot's files");

    const verified = await rootfs(["verify", out]);
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    assert.match(verified.stdout, /^PASS /m);
  });

  test("a second identical build is up to date in seconds", async () => {
    const started = Date.now();
    const result = await build(path.join(repoRoot, "examples", "tiny.yaml"), path.join(work, "tiny"));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr + result.stdout, /Up to date/);
    assert.ok(Date.now() - started < 15_000, `second run took ${Date.now() - started} ms`);
  });

  const faults: { name: string; change: (b: TinyBuild) => void; expect: RegExp; reason: string }[] = [
    {
      name: "not-found",
      change: (b) => {
        b.spec.source.iso = { url: `${server.url}/missing.iso`, checksum: `sha256:${"0".repeat(64)}` };
      },
      expect: /404/,
      reason: "DownloadFailed",
    },
    {
      name: "mismatch",
      change: (b) => {
        b.spec.source.iso = {
          url: `${server.url}/tiny-installer.iso`,
          checksum: `sha256:${"1".repeat(64)}`,
        };
      },
      expect: /checksum mismatch.*expected sha256:1{64}/,
      reason: "ChecksumMismatch",
    },
    {
      name: "traceback",
      change: (b) => {
        b.spec.install.packages = ["no-such-package"];
      },
      expect: /Traceback \(most recent call last\)/,
      reason: "InstallFailed",
    },
    {
      name: "hang",
      change: (b) => {
        b.spec.install.timeout = "90s";
        b.spec.install.answerFile = { fragments: ["%post\nsleep 100000\n%end\n"] };
      },
      expect: /ran longer than/,
      reason: "InstallTimeout",
    },
    {
      name: "disk-too-small",
      change: (b) => {
        b.spec.install.diskSize = "2Gi";
      },
      expect: /space|too small|size/i,
      reason: "InstallFailed",
    },
  ];

  for (const fault of faults) {
    test(`fault: ${fault.name} fails clearly and leaves nothing behind`, async () => {
      const out = path.join(work, `out-${fault.name}`);
      const file = await variant(fault.name, fault.change);
      const result = await build(file, out);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, fault.expect);
      assert.match(result.stderr, new RegExp(`failed \\(${fault.reason}\\)`));
      const left = await readdir(out).catch(() => []);
      assert.deepEqual(left, [], `output directory holds ${left.join(", ")}`);
      const downloads = await readdir(path.join(cache, "downloads", "sha256")).catch(() => []);
      assert.ok(
        !downloads.some((f) => f.startsWith("0000") || f.startsWith("1111")),
        "a bad download reached the cache",
      );
    });
  }

  test("fault: an output directory that cannot be written fails before any download", async () => {
    const blocker = path.join(work, "a-file");
    await writeFile(blocker, "");
    const result = await build(path.join(repoRoot, "examples", "tiny.yaml"), path.join(blocker, "out"));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /failed \(PublishFailed\): Output directory .* is not writable/);
  });

  test("fault: a corrupt disk image handed to extract fails with ExtractFailed", async () => {
    const corrupt = path.join(work, "corrupt.qcow2");
    await writeFile(corrupt, Buffer.alloc(4 << 20, 0x5a));
    const digest = await sha256OfFile(corrupt);
    const file = await variant("corrupt-disk", (b) => {
      b.spec.source = { disk: { url: `file://${corrupt}`, checksum: `sha256:${digest}`, format: "raw" } };
    });
    const out = path.join(work, "out-corrupt");
    const result = await build(file, out);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /failed \(ExtractFailed\)/);
    assert.deepEqual(await readdir(out).catch(() => []), []);
  });
});
