import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256OfFile } from "../../src/lib/files.js";
import { cleanConsoleText } from "../../src/steps/qemu/console-lines.js";
import { debianBuildFile, debootstrapDisk, localMirror, phaseStarts, rootfsCli } from "./harness.js";

// (b) A real Debian 12 system (debootstrapped from the local mirror onto a partitioned disk with grub-pc)
// goes through extract, then boots its own systemd to multi-user.target from the cgz with no failed unit:
// ssh too, its host keys removed by the extract and made again at boot.

const accel = process.env.ROOTFS_E2E_ACCEL ?? "tcg";

describe("a debootstrapped Debian 12 disk: extract, then verify --systemd", { timeout: 60 * 60_000 }, () => {
  let disk: string;
  let work: string;

  before(async () => {
    disk = await debootstrapDisk(await localMirror());
    work = await mkdtemp(path.join(tmpdir(), "rootfs-real-debian-"));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test("reaches multi-user.target with no failed units, ssh included", async () => {
    const checksum = `sha256:${await sha256OfFile(disk)}`;
    const file = await debianBuildFile(work, "debian-12-debootstrap", {
      source: { disk: { url: `file://${disk}`, checksum, format: "qcow2" } },
    });
    const out = path.join(work, "out");
    const built = await rootfsCli(["build", "-f", file, "--out", out, "--cache", path.join(work, "cache")]);
    console.error(`Phase starts (s): ${JSON.stringify(phaseStarts(built))}`);
    assert.equal(built.code, 0, built.stderr.slice(-3000));
    const unit = await readFile(
      path.join(out, "rootfs", "usr", "lib", "systemd", "system", "ssh.service"),
      "utf8",
    );
    assert.match(unit, /^ExecStartPre=\/usr\/bin\/ssh-keygen -A$/m);

    const consoleLog = path.join(work, "verify-console.log");
    const verified = await rootfsCli([
      ...["verify", out, "--systemd", "--timeout", "1200", "--accel", accel, "--console-log", consoleLog],
    ]);
    console.error(`verify --systemd took ${Math.round(verified.durationMs / 1000)}s`);
    assert.equal(verified.code, 0, verified.stdout.slice(-4000));
    assert.match(
      verified.stdout,
      /^PASS debian-12-debootstrap: ROOTFS-VERIFY-MULTI-USER [0-9a-f]{16} reached/m,
    );
    // Our unit ran after multi-user.target, and no unit had failed: ssh.service neither. systemd's console
    // status is not a transcript (a long start job's line is redrawn), but sshd was up until the poweroff
    // stopped it, with host keys made at boot.
    const bootLog = (await readFile(consoleLog, "utf8")).split("\n").map(cleanConsoleText).join("\n");
    assert.match(bootLog, /(Started|Stopped) ssh\.service - OpenBSD Secure Shell server\./);
    assert.doesNotMatch(bootLog, /ROOTFS-VERIFY-FAILED-UNIT|no hostkeys available/);
  });
});
