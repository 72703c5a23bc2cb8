// The release patterns the CRD's CEL rules use accept exactly what profileFor installs, and the README
// lists exactly the releases the code supports.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { distros, osIdentity } from "../../../src/api/common.js";
import { profileFor } from "../../../src/installers/index.js";
import { releasePattern, releaseSummary, supportedReleases } from "../../../src/installers/releases.js";
import { repoRoot } from "../../helpers/paths.js";

/** Release spellings near the supported ones: every distro's releases, with separators, cases and points. */
function candidates(): string[] {
  const base = distros.flatMap((d) => supportedReleases(d));
  const extra = [
    "24.03",
    "24.03-SP1",
    "24.03_lts_sp2",
    "24.03-LTS-SP0",
    "24.03-LTS-SP01",
    "24.03-LTS-SP4",
    "24.03-LTS-SP9",
    "24.03--LTS",
    "24.03-lts",
    "20.03-LTS-SP5",
    "25.03-LTS",
    "25.09-SP1",
    "23.09",
    "22.09",
    "9-stream",
    "10-Stream",
    "8-stream",
    "9.5",
    "9.10",
    "8.10",
    "10.0",
    "7",
    "7.9",
    "11",
    "39",
    "45",
    "42.1",
    "12.5",
    "11.11",
    "10",
    "9",
    "bookworm",
    "Trixie",
    "buster",
    "bullseye",
    "noble",
    "jammy",
    "focal",
    "22.04.5",
    "24.04.1",
    "20.04",
    "24.10",
    "26.04",
    "rawhide",
    "Fedora_42",
    "latest",
    "1",
    "",
  ];
  return [...new Set([...base, ...extra])];
}

describe("supported releases", () => {
  for (const distro of distros) {
    test(`${distro}: the CEL release pattern accepts exactly what profileFor accepts`, () => {
      const pattern = new RegExp(releasePattern(distro));
      for (const release of candidates()) {
        if (!osIdentity.shape.release.safeParse(release).success) continue;
        const installs = (() => {
          try {
            profileFor(distro, release, "x86_64");
            return true;
          } catch {
            return false;
          }
        })();
        assert.equal(pattern.test(release.toLowerCase()), installs, `${distro} ${release}`);
      }
      for (const release of supportedReleases(distro)) assert.ok(pattern.test(release.toLowerCase()));
    });
  }

  test("the README lists exactly the supported releases", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    for (const distro of distros) {
      const row = new RegExp(`^\\| ${distro.replace("-", "\\-")} +\\| ([^|]+?) +\\|`, "m").exec(readme);
      assert.ok(row, `README has no supported-releases row for ${distro}`);
      assert.equal(row[1], releaseSummary(distro), `README row for ${distro}`);
    }
  });
});
