// A live ISO through the kubevirt backend: the prepare Job's remaster container (the real `rootfs worker
// remaster`, run here on the prepare Secret the operator made) refuses it, and the build fails with
// UnsupportedMedia before any VM exists.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { KubeObject } from "../../../src/runtime/index.js";
import { withDistro } from "../../helpers/builds.js";
import { buildFixtureIso } from "../../helpers/iso-fixtures.js";
import { refusedMedia } from "../../helpers/media-fixtures.js";
import { repoRoot } from "../../helpers/paths.js";
import {
  applyBuild,
  buildUntil,
  phaseIs,
  envAndOperatorForSuite,
  succeededCondition,
  uniqueBuild,
  type Env,
} from "./env.js";
import { childOf, childrenOf, configFilesOf, finishJob, type SecretVolume } from "./fake-cluster/index.js";

type PrepareJob = KubeObject & { spec: { template: { spec: { volumes?: SecretVolume[] } } } };

describe("kubevirt backend: an ISO that cannot install", () => {
  let env: Env;
  envAndOperatorForSuite((started) => (env = started));
  const dir = mkdtemp(path.join(tmpdir(), "rootfs-media-operator-"));
  after(async () => rm(await dir, { recursive: true, force: true }));

  for (const media of refusedMedia) {
    test(`${media.name}: the remaster container's UnsupportedMedia fails the build before any VM`, async () => {
      const work = await mkdtemp(path.join(await dir, `${media.name}-`));
      const iso = await buildFixtureIso(media.fixture, work);
      const name = `media-${media.name}`;
      const build = await applyBuild(env, uniqueBuild(name, withDistro(...media.os)));
      const prepare = await childOf<PrepareJob>(env, build, "prepare");

      // The prepare Secret is what the Job mounts at /config.
      const config = path.join(work, "config");
      await mkdir(config);
      const files = await configFilesOf(env, prepare.spec.template.spec.volumes);
      for (const [key, value] of Object.entries(files)) await writeFile(path.join(config, key), value);
      const result = path.join(work, "termination-log");
      const worker = spawnSync(
        process.execPath,
        [
          path.join(repoRoot, "dist", "src", "cli", "main.js"),
          "worker",
          "remaster",
          ...["--config", path.join(config, "prepare.json"), "--source", iso],
          ...["--out", path.join(work, "disk.img"), "--result", result],
        ],
        { encoding: "utf8", timeout: 120_000 },
      );
      assert.equal(worker.status, 1, worker.stderr);

      await finishJob(env, prepare, { exitCode: 1, message: await readFile(result, "utf8"), failed: "main" });
      const failed = await buildUntil(env, name, phaseIs("Failed"));
      assert.equal(succeededCondition(failed)?.reason, "UnsupportedMedia");
      assert.match(succeededCondition(failed)?.message ?? "", media.message);
      assert.deepEqual(await childrenOf(env, build, "install"), [], "no VM was made");
    });
  }
});
