// remasterIso must work without root (no loop mounts). When the tests run as root, drop to
// nobody for one remaster to prove it.
import assert from "node:assert/strict";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { probeIso } from "../../../src/iso/probe.js";
import { runAsNobody } from "../../helpers/as-nobody.js";
import { buildFixtureIso, isoFixture } from "../../helpers/iso-fixtures.js";

const dir = await mkdtemp(join(tmpdir(), "rootfs-iso-unprivileged-"));
after(() => rm(dir, { recursive: true, force: true }));

test(
  "remastering works as an unprivileged user",
  { skip: process.getuid?.() !== 0 && "already not root" },
  async () => {
    await chmod(dir, 0o777);
    const input = await buildFixtureIso(isoFixture("fedora-42-x86_64"), dir);
    const output = join(dir, "unattended.iso");
    const remaster = fileURLToPath(new URL("../../../src/iso/remaster.js", import.meta.url));
    await runAsNobody(
      { iso: remaster },
      `await iso.remasterIso({ input: ${JSON.stringify(input)}, output: ${JSON.stringify(output)}, kernelArgs: ["inst.ks=hd:LABEL=OEMDRV:/ks.cfg"] });`,
      { TMPDIR: dir },
    );
    assert.equal((await probeIso(output)).volumeId, "Fedora-S-dvd-x86_64-42");
  },
);
