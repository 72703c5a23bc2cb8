// Every known source against the recorded directory listings (test/fixtures/sources): nothing is fetched.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { arches, distros } from "../../../src/api/common.js";
import { supportedReleases } from "../../../src/installers/releases.js";
import { editionsOf, resolveOfficial, type OfficialRequest } from "../../../src/sources/index.js";
import { listingNames } from "../../../src/sources/listing.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { recordedListings, recordedReadText } from "../../helpers/source-listings.js";

const pages = recordedListings();
const readText = recordedReadText(pages);
const resolve = (req: OfficialRequest) => resolveOfficial(req, readText);

/** The recorded listing of the directory `url` is in, and the file's name there. */
function listedIn(url: string): { names: string[]; name: string } | undefined {
  for (const [dir, html] of pages) {
    if (url.startsWith(dir) && !url.slice(dir.length).includes("/"))
      return { names: listingNames(html), name: url.slice(dir.length) };
  }
  return undefined;
}

describe("known sources, against recorded listings", () => {
  const downloadable = distros.filter((d) => editionsOf(d).length > 0);

  test("every supported release of every distribution resolves on both arches (default edition)", async () => {
    let resolved = 0;
    for (const distro of downloadable) {
      for (const release of supportedReleases(distro)) {
        for (const arch of arches) {
          const found = await resolve({ distro, release, arch }).catch((err: unknown) => {
            // openEuler's layout is fixed: its templates are checked against listings below.
            throw new Error(`${distro} ${release} ${arch}: ${String(err)}`);
          });
          assert.match(found.url, /^https?:\/\/[^/]+\/.+\.iso$/);
          assert.match(found.checksumURL, /(sha256sum|SHA256SUM|SHA256SUMS|CHECKSUM)$/);
          resolved++;
        }
      }
    }
    assert.ok(resolved >= 60, `only ${resolved} resolved`);
  });

  test("every template names files that a recorded listing holds", async () => {
    const checked: string[] = [];
    for (const distro of downloadable) {
      for (const edition of editionsOf(distro)) {
        for (const release of supportedReleases(distro)) {
          for (const arch of arches) {
            const found = await resolve({ distro, release, arch, edition }).catch(() => undefined);
            const iso = found && listedIn(found.url);
            if (!found || !iso) continue;
            assert.ok(iso.names.includes(iso.name), `${found.url} is not in its recorded listing`);
            const sums = listedIn(found.checksumURL);
            assert.ok(sums?.names.includes(sums.name), `${found.checksumURL} is not in its recorded listing`);
            checked.push(`${distro}/${edition}`);
          }
        }
      }
    }
    const templates = downloadable.flatMap((d) => editionsOf(d).map((e) => `${d}/${e}`));
    const unchecked = templates.filter((t) => !checked.includes(t));
    assert.deepEqual(unchecked, [], "templates with no recorded listing to check them against");
  });

  const expected: [OfficialRequest, string, string][] = [
    [
      { distro: "openeuler", release: "24.03 LTS SP1", arch: "aarch64", edition: "everything" },
      "https://repo.openeuler.org/openEuler-24.03-LTS-SP1/ISO/aarch64/openEuler-24.03-LTS-SP1-everything-aarch64-dvd.iso",
      "https://repo.openeuler.org/openEuler-24.03-LTS-SP1/ISO/aarch64/openEuler-24.03-LTS-SP1-everything-aarch64-dvd.iso.sha256sum",
    ],
    [
      { distro: "openeuler", release: "24.03-LTS-SP2", arch: "x86_64", daily: true },
      "http://121.36.84.172/dailybuild/EBS-openEuler-24.03-LTS-SP2/openeuler-2025-05-30-09-12-40/ISO/x86_64/openEuler-24.03-LTS-SP2-x86_64-dvd.iso",
      "http://121.36.84.172/dailybuild/EBS-openEuler-24.03-LTS-SP2/openeuler-2025-05-30-09-12-40/ISO/x86_64/openEuler-24.03-LTS-SP2-x86_64-dvd.iso.sha256sum",
    ],
    [
      { distro: "fedora", release: "40", arch: "x86_64", edition: "netinst" },
      "https://dl.fedoraproject.org/pub/archive/fedora/linux/releases/40/Server/x86_64/iso/Fedora-Server-netinst-x86_64-40-1.14.iso",
      "https://dl.fedoraproject.org/pub/archive/fedora/linux/releases/40/Server/x86_64/iso/Fedora-Server-40-1.14-x86_64-CHECKSUM",
    ],
    [
      { distro: "fedora", release: "42", arch: "x86_64", edition: "everything" },
      "https://dl.fedoraproject.org/pub/fedora/linux/releases/42/Everything/x86_64/iso/Fedora-Everything-netinst-x86_64-42-1.1.iso",
      "https://dl.fedoraproject.org/pub/fedora/linux/releases/42/Everything/x86_64/iso/Fedora-Everything-42-1.1-x86_64-CHECKSUM",
    ],
    [
      { distro: "centos-stream", release: "9", arch: "x86_64" },
      "https://mirror.stream.centos.org/9-stream/BaseOS/x86_64/iso/CentOS-Stream-9-latest-x86_64-dvd1.iso",
      "https://mirror.stream.centos.org/9-stream/BaseOS/x86_64/iso/CentOS-Stream-9-latest-x86_64-dvd1.iso.SHA256SUM",
    ],
    [
      { distro: "rocky", release: "8", arch: "x86_64" },
      "https://download.rockylinux.org/pub/rocky/8/isos/x86_64/Rocky-8.10-x86_64-dvd1.iso",
      "https://download.rockylinux.org/pub/rocky/8/isos/x86_64/CHECKSUM",
    ],
    [
      { distro: "rocky", release: "9.4", arch: "x86_64", edition: "minimal" },
      "https://download.rockylinux.org/vault/rocky/9.4/isos/x86_64/Rocky-9.4-x86_64-minimal.iso",
      "https://download.rockylinux.org/vault/rocky/9.4/isos/x86_64/CHECKSUM",
    ],
    [
      { distro: "almalinux", release: "10", arch: "aarch64", edition: "netinst" },
      "https://repo.almalinux.org/almalinux/10/isos/aarch64/AlmaLinux-10.2-aarch64-boot.iso",
      "https://repo.almalinux.org/almalinux/10/isos/aarch64/CHECKSUM",
    ],
    [
      { distro: "debian", release: "bookworm", arch: "x86_64" },
      "https://cdimage.debian.org/cdimage/archive/latest-oldstable/amd64/iso-cd/debian-12.14.0-amd64-netinst.iso",
      "https://cdimage.debian.org/cdimage/archive/latest-oldstable/amd64/iso-cd/SHA256SUMS",
    ],
    [
      { distro: "debian", release: "11", arch: "aarch64" },
      "https://cdimage.debian.org/cdimage/archive/latest-oldoldstable/arm64/iso-cd/debian-11.11.0-arm64-netinst.iso",
      "https://cdimage.debian.org/cdimage/archive/latest-oldoldstable/arm64/iso-cd/SHA256SUMS",
    ],
    [
      { distro: "ubuntu", release: "noble", arch: "aarch64" },
      "https://cdimage.ubuntu.com/releases/24.04/release/ubuntu-24.04.4-live-server-arm64.iso",
      "https://cdimage.ubuntu.com/releases/24.04/release/SHA256SUMS",
    ],
  ];
  for (const [req, url, checksumURL] of expected) {
    test(`${req.distro} ${req.release} ${req.arch} ${req.edition ?? ""}${req.daily ? " daily" : ""}`, async () => {
      const found = await resolve(req);
      assert.equal(found.url, url);
      assert.equal(found.checksumURL, checksumURL);
    });
  }

  test("a mirror replaces the official root and keeps the tree", async () => {
    const found = await resolve({
      distro: "openeuler",
      release: "22.03-LTS-SP4",
      arch: "x86_64",
      mirror: "https://mirrors.example.org/openeuler/",
    });
    assert.equal(
      found.url,
      "https://mirrors.example.org/openeuler/openEuler-22.03-LTS-SP4/ISO/x86_64/openEuler-22.03-LTS-SP4-x86_64-dvd.iso",
    );
  });

  test("an image no listing holds fails, naming each place looked at", async () => {
    await assert.rejects(resolve({ distro: "rocky", release: "9.1", arch: "x86_64" }), (err: unknown) => {
      assert.ok(err instanceof StepFailure);
      assert.equal(err.reason, "DownloadFailed");
      assert.match(err.message, /Found no Rocky-9\.1-x86_64-dvd\.iso/);
      assert.match(err.message, /pub\/rocky\/9\.1\/isos\/x86_64\/ \(HTTP 404/);
      assert.match(err.message, /vault\/rocky\/9\.1\/isos\/x86_64\/ \(HTTP 404/);
      return true;
    });
  });

  test("an edition, release or distribution without a source is InvalidSpec", async () => {
    for (const req of [
      { distro: "ubuntu", release: "24.04", arch: "x86_64", edition: "dvd" },
      { distro: "fedora", release: "39", arch: "x86_64" },
      { distro: "rhel", release: "9", arch: "x86_64" },
      { distro: "debian", release: "12", arch: "x86_64", daily: true },
    ] as OfficialRequest[]) {
      await assert.rejects(
        resolve(req),
        (err: unknown) => err instanceof StepFailure && err.reason === "InvalidSpec",
      );
    }
  });
});

describe("directory listings", () => {
  test("reads names from Apache and nginx autoindex pages, directories with their slash", () => {
    const apache =
      '<tr><td><a href="?C=N;O=D">Name</a></td></tr><tr><td><a href="/pub/">Parent Directory</a></td></tr>' +
      '<tr><td><a href="Fedora-Server-dvd-x86_64-42-1.1.iso">Fedora-Server-dvd-x86_64-42-1.1.iso</a></td></tr>' +
      "<tr><td><a href='sub%20dir/'>sub dir/</a></td></tr>";
    const nginx = '<a href="../">../</a>\n<a href="CHECKSUM">CHECKSUM</a>  19-May-2026 12:00  1234\n';
    assert.deepEqual(listingNames(apache), ["pub/", "Fedora-Server-dvd-x86_64-42-1.1.iso", "sub dir/"]);
    assert.deepEqual(listingNames(nginx), ["CHECKSUM"]);
    assert.deepEqual(listingNames('<a href="https://elsewhere.example/x.iso">x</a>'), []);
  });
});
