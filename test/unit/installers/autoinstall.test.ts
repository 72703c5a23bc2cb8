import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { answerFileFor } from "../../../src/installers/answer-file.js";
import { autoinstallKeys } from "../../../src/installers/autoinstall-merge.js";
import { InstallerInputError } from "../../../src/installers/errors.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import { autoinstallSchemaValidator, validateCloudConfigs, type Verdict } from "./real-validators.js";
import { fixturesDir, subiquitySchemaPath } from "./repo-paths.js";
import { arches, ubuntuReleases } from "./release-matrix.js";
import {
  answerFileRequest,
  withFragment,
  withRootFs,
  withUserAnswerFile,
  type RequestModifier,
} from "./request-fixtures.js";
import { autoinstallFragment, variants } from "./variants.js";

// Every autoinstall we render must pass subiquity's JSON schema, and its NoCloud user-data (and the
// cloud-config inside autoinstall.user-data) must pass cloud-init's schema.

interface Rendered {
  id: string;
  userData: string;
  metaData: string;
  autoinstall: Record<string, unknown>;
}

function render(
  id: string,
  release: string,
  arch: "x86_64" | "aarch64",
  ...mods: RequestModifier[]
): Rendered {
  const profile = profileFor("ubuntu", release, arch);
  const answer = answerFileFor(profile, answerFileRequest("ubuntu", release, arch, ...mods));
  assert.equal(answer.fileName, "user-data");
  const userData = answer.files.find((f) => f.path === "user-data")?.content ?? "";
  const metaData = answer.files.find((f) => f.path === "meta-data")?.content ?? "";
  const autoinstall = (parse(userData) as { autoinstall: Record<string, unknown> }).autoinstall;
  return { id, userData, metaData, autoinstall };
}

const fixture = (name: string) => readFileSync(path.join(fixturesDir, name), "utf8");

const rendered: Rendered[] = [];
for (const release of ubuntuReleases) {
  for (const arch of arches) {
    for (const variant of variants(autoinstallFragment, ["vim", "tmux"])) {
      rendered.push(render(`ubuntu ${release} ${arch} ${variant.name}`, release, arch, ...variant.modifiers));
    }
  }
}
rendered.push(
  render(
    "ubuntu 24.04 user autoinstall",
    "24.04",
    "x86_64",
    withUserAnswerFile(fixture("user-autoinstall.yaml")),
  ),
);

const nestedCloudConfig = (r: Rendered) =>
  `#cloud-config\n${JSON.stringify(r.autoinstall["user-data"] ?? {})}\n`;

describe("autoinstall rendered for every release passes subiquity's and cloud-init's schemas", () => {
  const validateSchema = autoinstallSchemaValidator();
  let cloudInit: Map<string, Verdict>;
  before(() => {
    cloudInit = validateCloudConfigs(
      rendered.flatMap((r) => [
        { id: `${r.id} user-data`, content: r.userData },
        { id: `${r.id} autoinstall.user-data`, content: nestedCloudConfig(r) },
      ]),
    );
  });
  for (const r of rendered) {
    it(r.id, () => {
      const schema = validateSchema(r.autoinstall);
      assert.ok(schema.ok, `subiquity schema: ${schema.messages.join("; ")}\n---\n${r.userData}`);
      for (const part of ["user-data", "autoinstall.user-data"]) {
        const verdict = cloudInit.get(`${r.id} ${part}`);
        assert.ok(
          verdict?.ok,
          `cloud-init schema (${part}): ${verdict?.messages.join("; ")}\n---\n${r.userData}`,
        );
      }
      assert.ok(r.userData.startsWith("#cloud-config\n"));
      assert.match(r.metaData, /^instance-id: /);
      assert.equal(r.autoinstall.shutdown, "poweroff");
    });
  }
});

describe("autoinstall content", () => {
  const at = (id: string) => rendered.find((r) => r.id === id) ?? assert.fail(`no case ${id}`);

  it("installs the direct layout, reports to the console, adds no user, and ends with the marker", () => {
    const a = at("ubuntu 22.04 x86_64 defaults").autoinstall;
    assert.deepEqual(a.storage, { layout: { name: "direct" } });
    assert.deepEqual(a.reporting, { builtin: { type: "print" } });
    assert.deepEqual(a["user-data"], { users: [{ name: "root", lock_passwd: true }] });
    const late = a["late-commands"] as unknown[];
    assert.deepEqual(late[0], ["curtin", "in-target", "--target=/target", "--", "usermod", "--lock", "root"]);
    assert.deepEqual(late.at(-1), [
      "sh",
      "-c",
      "printf 'rootfs-operator: install %s\\n' finished > /dev/console",
    ]);
  });

  it("installs offline from the ISO's pool by default, and from the one mirror when asked", () => {
    assert.deepEqual(at("ubuntu 24.04 x86_64 defaults").autoinstall.apt, {
      geoip: false,
      fallback: "offline-install",
    });
    assert.deepEqual(at("ubuntu 24.04 x86_64 from a mirror").autoinstall.apt, {
      geoip: false,
      fallback: "abort",
      primary: [{ arches: ["default"], uri: "http://192.0.2.10:8080/mirror/os" }],
    });
  });

  it("sets the root hash at install time", () => {
    const late = at("ubuntu 24.04 aarch64 with root password").autoinstall["late-commands"] as string[][];
    assert.equal(late[0]?.[5], "--password");
    assert.match(late[0]?.[6] ?? "", /^\$6\$rootfsop\$/);
  });

  it("deep-merges a fragment: lists concatenate with the marker still last", () => {
    const a = at("ubuntu 24.04 x86_64 with user fragment").autoinstall;
    assert.deepEqual(a.packages, ["htop"]);
    assert.deepEqual(a.ssh, { "install-server": true });
    assert.deepEqual(a["user-data"], { users: [{ name: "root", lock_passwd: true }], disable_root: false });
    const late = a["late-commands"] as unknown[];
    assert.equal(late[1], 'echo "built by rootfs-operator" > /target/etc/rootfs-build');
    assert.equal(late.length, 3);
  });

  it("knows exactly the top-level keys of subiquity's schema", () => {
    const schema = JSON.parse(readFileSync(subiquitySchemaPath, "utf8")) as { properties: object };
    assert.deepEqual([...autoinstallKeys].sort(), Object.keys(schema.properties).sort());
  });
});

describe("user autoinstall input is checked", () => {
  const reject = (mod: RequestModifier, expected: RegExp) =>
    assert.throws(
      () => render("bad", "24.04", "x86_64", mod),
      (e: unknown) =>
        e instanceof InstallerInputError && e.reason === "AnswerFileInvalid" && expected.test(e.message),
    );

  it("rejects shutdown: reboot", () =>
    reject(withFragment("shutdown: reboot"), /sets shutdown: "reboot", but the build waits/));
  it("rejects interactive sections", () =>
    reject(withFragment("interactive-sections: [storage]"), /interactive-sections/));
  it("rejects unknown keys, naming them", () =>
    reject(withFragment("storge: {layout: {name: lvm}}"), /Unknown autoinstall keys "storge"/));
  it("rejects YAML that is not a mapping", () => reject(withFragment("- a\n- b"), /must be a YAML mapping/));
  it("rejects broken YAML", () =>
    reject(withFragment("packages: [vim"), /autoinstall fragment 1 is not valid YAML/));
  it("rejects xfs, which the direct layout cannot make", () =>
    assert.throws(
      () => render("xfs", "24.04", "x86_64", withRootFs("xfs")),
      /formats the root filesystem as ext4/,
    ));

  it("leaves value errors to subiquity's schema, which catches them", () => {
    const r = render("bad keyboard", "24.04", "x86_64", withFragment("keyboard: {layout: us, colour: red}"));
    const verdict = autoinstallSchemaValidator()(r.autoinstall);
    assert.equal(verdict.ok, false);
    assert.match(verdict.messages.join(" "), /\/keyboard must NOT have additional properties.*colour/);
  });

  it("leaves cloud-config errors to cloud-init's schema, which catches them", () => {
    const r = render("bad user-data", "24.04", "x86_64", withFragment("user-data: {users: 5}"));
    const verdict = validateCloudConfigs([{ id: "x", content: nestedCloudConfig(r) }]).get("x");
    assert.equal(verdict?.ok, false);
    assert.match(verdict?.messages.join(" ") ?? "", /users/);
  });

  it("rejects a complete user autoinstall that reboots", () =>
    reject(
      withUserAnswerFile(fixture("user-autoinstall-invalid.yaml")),
      /the user autoinstall sets shutdown: "reboot"/,
    ));
});
