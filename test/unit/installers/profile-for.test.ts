import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InstallerInputError } from "../../../src/installers/errors.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import type { Distro } from "../../../src/installers/request.js";
import { kickstartRows } from "./release-matrix.js";

describe("profileFor", () => {
  for (const row of kickstartRows) {
    it(`${row.distro} ${row.release} is kickstart with pykickstart ${row.ksVersion}`, () => {
      const profile = profileFor(row.distro, row.release, "aarch64");
      assert.equal(profile.kind, "kickstart");
      if (profile.kind === "kickstart") assert.equal(profile.ksVersion, row.ksVersion);
    });
  }

  it("folds openEuler spellings into the ISO's", () => {
    for (const spelled of ["22.03 LTS SP3", "22.03-lts-sp3", "22.03_LTS_SP3", "22.03-SP3"]) {
      assert.equal(profileFor("openeuler", spelled, "x86_64").release, "22.03-LTS-SP3");
    }
    assert.equal(profileFor("openeuler", "24.03", "x86_64").release, "24.03-LTS");
  });

  it("maps openEuler lines to the anaconda they ship", () => {
    const anaconda = (release: string) => {
      const p = profileFor("openeuler", release, "x86_64");
      return p.kind === "kickstart" ? [p.anaconda, p.ksVersion] : [];
    };
    assert.deepEqual(anaconda("20.03-LTS-SP1"), [29, "F29"]);
    assert.deepEqual(anaconda("22.03-LTS"), [33, "F33"]);
    assert.deepEqual(anaconda("24.03-LTS-SP1"), [36, "F36"]);
    assert.deepEqual(anaconda("25.09"), [36, "F36"]);
  });

  it("accepts point releases and codenames", () => {
    assert.deepEqual(profileFor("rocky", "9.5", "x86_64"), {
      ...profileFor("rocky", "9", "x86_64"),
      release: "9.5",
    });
    assert.equal(profileFor("debian", "bookworm", "x86_64").release, "12");
    assert.equal(profileFor("debian", "12.8", "x86_64").release, "12");
    assert.deepEqual(profileFor("ubuntu", "24.04.2", "aarch64"), {
      kind: "autoinstall",
      distro: "ubuntu",
      release: "24.04",
      codename: "noble",
      arch: "aarch64",
    });
    assert.equal(profileFor("ubuntu", "jammy", "x86_64").release, "22.04");
  });

  const unsupported: [Distro, string, RegExp][] = [
    [
      "openeuler",
      "23.03",
      /Supported: 20\.03-LTS \(and -SP1 to -SP4\), 22\.03-LTS .*24\.03-LTS .*, 25\.03, 25\.09/,
    ],
    ["openeuler", "22.03-LTS-SP9", /Unsupported openEuler release "22\.03-LTS-SP9"/],
    ["openeuler", "25.03-LTS", /Unsupported openEuler release "25\.03-LTS"/],
    ["centos-stream", "8", /Supported: 9, 10\. Set the release to one of these/],
    ["rhel", "7.9", /Supported: 8, 9, 10/],
    ["fedora", "39", /Supported: 40, 41, 42, 43, 44\. .*F<N> handler/],
    ["debian", "10", /Supported: 11 \(bullseye\), 12 \(bookworm\), 13 \(trixie\)/],
    ["ubuntu", "20.04", /Supported: 22\.04 \(jammy\), 24\.04 \(noble\)\. Set .* live-server ISO/],
  ];
  for (const [distro, release, message] of unsupported) {
    it(`rejects ${distro} ${release}, listing the supported releases`, () =>
      assert.throws(
        () => profileFor(distro, release, "x86_64"),
        (e: unknown) =>
          e instanceof InstallerInputError && e.reason === "InvalidSpec" && message.test(e.message),
      ));
  }
});
