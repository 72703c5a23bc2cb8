// `rootfs validate` refuses what `rootfs answer-file`, `rootfs build` and the operator would refuse, naming
// the field; every example passes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { stringify } from "yaml";
import { rootfsBuild, set, withDistro } from "../../helpers/builds.js";
import { invalidBuilds } from "../../helpers/invalid-builds.js";
import { repoRoot } from "../../helpers/paths.js";

const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(path.join(tmpdir(), "rootfs-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function validate(name: string, ...docs: object[]): { status: number | null; output: string } {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, docs.map((d) => stringify(d)).join("---\n"));
  const run = spawnSync(process.execPath, [cli, "validate", "-f", file], { encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

const secret = (name: string, data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name },
  stringData: data,
});
const withPassword = set("spec.install.rootPassword", { secretKeyRef: { name: "root-pw", key: "hash" } });

const refused: [string, object[], string, RegExp][] = [
  [
    "fedora-openeuler-release",
    [rootfsBuild("f", withDistro("fedora", "24.03-LTS-SP1"))],
    "spec.os.release",
    /unsupported fedora release/,
  ],
  ["debian-9", [rootfsBuild("d", withDistro("debian", "9"))], "spec.os.release", /supported: 11, 12, 13/],
  [
    "secret-not-in-file",
    [rootfsBuild("s", withPassword)],
    "spec.install.rootPassword.secretKeyRef",
    /Secret root-pw is not in the file/,
  ],
  [
    "secret-without-key",
    [rootfsBuild("k", withPassword), secret("root-pw", { other: "x" })],
    "spec.install.rootPassword.secretKeyRef",
    /Secret root-pw has no key "hash"/,
  ],
  [
    "configmap-not-in-file",
    [rootfsBuild("c", set("spec.install.answerFile", { configMapRef: { name: "ks", key: "ks.cfg" } }))],
    "spec.install.answerFile.configMapRef",
    /ConfigMap ks is not in the file/,
  ],
  ["name-not-dns", [rootfsBuild("Fedora_42", withDistro("fedora", "42"))], "metadata.name", /DNS subdomain/],
  ["name-too-long", [rootfsBuild(`n${"x".repeat(63)}`)], "metadata.name", /at most 63 characters/],
];

describe("rootfs validate", () => {
  for (const [name, docs, field, message] of refused) {
    test(`refuses ${name}, naming ${field}`, () => {
      const { status, output } = validate(name, ...docs);
      assert.equal(status, 1, output);
      assert.match(output, new RegExp(`- ${field.replaceAll(".", "\\.")}: `), output);
      assert.match(output, message);
    });
  }

  test("refuses every build the apiserver refuses, naming the same field", () => {
    for (const { why, build, field } of invalidBuilds) {
      const { status, output } = validate(build.metadata.name.toLowerCase().slice(0, 40), build);
      assert.equal(status, 1, `${why}: ${output}`);
      assert.ok(output.includes(`- ${field}`), `${why}: ${field} not named in\n${output}`);
    }
  });

  test("accepts every example, with its Secrets and ConfigMaps", () => {
    const examples = path.join(repoRoot, "examples");
    for (const file of readdirSync(examples).filter((f) => f.endsWith(".yaml"))) {
      const run = spawnSync(process.execPath, [cli, "validate", "-f", path.join(examples, file)], {
        encoding: "utf8",
      });
      assert.equal(run.status, 0, `${file}: ${run.stderr}`);
      assert.match(run.stdout, /is valid$/m);
    }
  });
});
