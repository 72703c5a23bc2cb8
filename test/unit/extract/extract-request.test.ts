import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { extract } from "../../../src/steps/extract/index.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";

test("a staging directory that is not empty is refused before anything runs, and left alone", async () => {
  const outDir = await mkdtemp(path.join(os.tmpdir(), "extract-out-"));
  try {
    await writeFile(path.join(outDir, "someone-elses-file"), "keep me");
    await assert.rejects(
      extract({
        disk: "/nonexistent.qcow2",
        format: "qcow2",
        outDir,
        outputs: {
          nfsroot: true,
          cgz: { enabled: true, compression: "gzip" },
          tarball: { enabled: false, compression: "gzip" },
          kernel: true,
          splitModules: false,
        },
        postProcess: {
          commentFstab: true,
          disableSelinux: true,
          emptyMachineId: true,
          sshHostKeys: "remove",
          rootPassword: { kind: "locked" },
        },
      }),
      (err: unknown) =>
        err instanceof StepFailure &&
        err.reason === "ExtractFailed" &&
        /not empty.*pass a fresh directory/.test(err.message),
    );
    assert.deepEqual(await readdir(outDir), ["someone-elses-file"]);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
});
