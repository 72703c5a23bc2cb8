import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isoKeyFor } from "../../../src/controller/kubevirt-backend/index.js";
import { planAnswerFile } from "../../../src/plan/answer-plan.js";
import { withDistro, type Modifier } from "../../helpers/builds.js";
import { buildNamed, set, sha256, stubRefs } from "../controller-builders/fixtures.js";

const source = sha256("source iso");
const keyOf = async (...mods: Modifier[]) =>
  isoKeyFor(source, await planAnswerFile(buildNamed("k", ...mods).spec, stubRefs));

describe("isoKeyFor()", () => {
  test("side-volume answers stay off the ISO: kickstart builds differing in packages share one ISO", async () => {
    assert.equal(
      await keyOf(set("spec.install.packages", ["vim"])),
      await keyOf(set("spec.install.packages", ["tmux"])),
    );
  });

  test("an embedded preseed is part of the ISO: Debian builds with different preseeds never share", async () => {
    const debian = withDistro("debian", "12");
    const plain = await keyOf(debian);
    const withFragment = await keyOf(
      debian,
      set("spec.install.answerFile", { fragments: ["d-i foo/bar string baz"] }),
    );
    assert.notEqual(plain, withFragment);
    assert.equal(plain, await keyOf(debian));
  });

  test("another source ISO, architecture or installer is another ISO", async () => {
    const base = await keyOf();
    assert.notEqual(
      base,
      isoKeyFor(sha256("other iso"), await planAnswerFile(buildNamed("k").spec, stubRefs)),
    );
    assert.notEqual(base, await keyOf(withDistro("openeuler", "24.03-LTS", "aarch64")));
    assert.notEqual(base, await keyOf(withDistro("ubuntu", "24.04")));
    assert.match(base, /^[0-9a-f]{64}$/);
  });
});
