// The operator image built by scripts/build-images.sh: non-root, runs with a read-only root filesystem,
// and carries the compiled CLI with production dependencies only. Missing images fail in CI and skip
// elsewhere (see images.ts).
import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { repoRoot } from "../../helpers/paths.js";
import { imageConfig, operatorImage, readOnlyRun, skipWithoutImages } from "./images.js";

const skip = await skipWithoutImages([operatorImage]);
const user = "65532:65532";
const examples = { host: path.join(repoRoot, "examples"), path: "/examples", readOnly: true };

describe("operator image", { skip }, () => {
  const run = (command: string[]) => readOnlyRun(operatorImage, { user, mounts: [examples], command });

  test("runs `rootfs operator` as the numeric non-root user 65532", async () => {
    const config = await imageConfig(operatorImage);
    assert.equal(config.User, user);
    assert.deepEqual([config.Entrypoint, config.Cmd], [["rootfs"], ["operator"]]);
  });

  test("validates an example with a read-only root filesystem", async () => {
    const result = await run(["rootfs", "validate", "-f", "/examples/openeuler-24.03-compass-ci.yaml"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /is valid/);
    const help = await run(["rootfs", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^\s+operator\s/m);
  });

  test("the root filesystem really is read-only there, and the user cannot write /app", async () => {
    const result = await run(["sh", "-c", "touch /app/probe /probe 2>&1; id -u"]);
    assert.match(result.stdout, /\/app\/probe.*Read-only file system/);
    assert.match(result.stdout, /\/probe.*Read-only file system/);
    assert.match(result.stdout, /^65532$/m);
  });

  test("holds the compiled src/ and production dependencies only", async () => {
    // @types/node stays: @kubernetes/client-node depends on it.
    const script = `echo $(ls /app) / $(ls /app/dist)
      for dev in typescript eslint prettier ajv swagger2openapi; do
        test ! -e "/app/node_modules/$dev" || echo "dev dependency $dev"
      done
      test -e /app/node_modules/zod || echo "no zod"`;
    const result = await run(["sh", "-c", script]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "dist node_modules package.json / src");
  });
});
