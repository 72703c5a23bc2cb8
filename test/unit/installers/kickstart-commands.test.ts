import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { kickstartCommands } from "../../../src/installers/kickstart-commands.generated.js";
import { validatorPython, validatorsDir } from "./repo-paths.js";

describe("kickstart command table", () => {
  it("matches the pinned pykickstart (regenerate with test/validators/kickstart_commands.py --typescript)", () => {
    const versions = Object.keys(kickstartCommands);
    const run = spawnSync(
      validatorPython(),
      [path.join(validatorsDir, "kickstart_commands.py"), ...versions],
      {
        encoding: "utf8",
      },
    );
    assert.equal(
      run.status,
      0,
      `kickstart_commands.py failed: ${run.stderr}; run bash test/validators/install.sh`,
    );
    const live = JSON.parse(run.stdout) as Record<string, string[]>;
    for (const [version, names] of Object.entries(kickstartCommands)) {
      assert.deepEqual(names.split(" "), live[version], `pykickstart ${version}`);
    }
  });
});
