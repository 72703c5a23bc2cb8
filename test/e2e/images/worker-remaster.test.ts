// The worker image's ISO tools (xorriso, mtools) at work: `rootfs remaster` on a fixture ISO as uid
// 65532 with a read-only root, as the prepare Job runs its remaster step. Missing images fail in CI and
// skip elsewhere (see images.ts).
import assert from "node:assert/strict";
import { chmod, chown, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { probeIso } from "../../../src/iso/probe.js";
import { buildFixtureIso, isoFixture } from "../../helpers/iso-fixtures.js";
import { repoRoot } from "../../helpers/paths.js";
import { readOnlyRun, skipWithoutImages, workerImage, type RunResult } from "./images.js";

const skip = await skipWithoutImages([workerImage]);

describe("worker image remasters an ISO as uid 65532 with a read-only root", { skip }, () => {
  let work = "";
  let run: RunResult;
  let output = "";

  before(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "worker-remaster-"));
    await chmod(work, 0o755);
    const input = await buildFixtureIso(isoFixture("fedora-42-x86_64"), work);
    await chmod(input, 0o644);
    const out = path.join(work, "out");
    await mkdir(out);
    await chown(out, 65532, 65532);
    const tmp = path.join(work, "tmp");
    await mkdir(tmp);
    await chmod(tmp, 0o1777);
    run = await readOnlyRun(workerImage, {
      user: "65532:65532",
      mounts: [
        { host: input, path: "/iso/in.iso", readOnly: true },
        { host: path.join(repoRoot, "examples"), path: "/examples", readOnly: true },
        { host: out, path: "/iso/out" },
        { host: tmp, path: "/tmp" },
      ],
      command: [
        ...["rootfs", "remaster", "--iso", "/iso/in.iso", "--out", "/iso/out/unattended.iso"],
        ...["-f", "/examples/fedora-42.yaml"],
      ],
    });
    output = path.join(out, "unattended.iso");
  });
  after(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

  test("writes the unattended ISO with the source's volume label", async () => {
    assert.equal(run.code, 0, `rootfs remaster failed:\n${run.stderr}\n${run.stdout}`);
    assert.equal((await probeIso(output)).volumeId, "Fedora-S-dvd-x86_64-42");
  });

  test("points the BIOS and the UEFI (efiboot.img, through mtools) entries at the kickstart", () => {
    assert.match(run.stdout, /^isolinux\/isolinux\.cfg$/m);
    assert.match(run.stdout, /^images\/efiboot\.img:EFI\/BOOT\/grub\.cfg$/m);
    assert.match(run.stdout, /inst\.ks=hd:LABEL=OEMDRV/);
  });
});
