import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256OfFile } from "../../src/lib/files.js";
import { serveDirectory, startServer, type TestServer } from "../helpers/http-server.js";
import {
  debianBuildFile,
  localMirror,
  netbootIso,
  phaseStarts,
  rootfsCli,
  type LocalMirror,
} from "./harness.js";

// (a) The real debian-installer (Debian's netboot image, as on mini.iso) runs the generated preseed
// against a local mirror served on loopback, reached through the install VM's restricted network. The
// archive reachable here lacks many udebs (see the mirror's missing.txt), so the install cannot finish:
// the build must fail within minutes, naming what is missing. With every udeb available, the same test
// expects the build to succeed.

const accel = process.env.ROOTFS_E2E_ACCEL ?? "tcg";

describe(
  "rootfs build on Debian's netboot ISO, installing from a local mirror",
  { timeout: 60 * 60_000 },
  () => {
    let mirror: LocalMirror;
    let iso: string;
    let server: TestServer;
    let work: string;

    before(async () => {
      mirror = await localMirror();
      iso = await netbootIso();
      server = await startServer(serveDirectory(path.dirname(mirror.root)));
      work = await mkdtemp(path.join(tmpdir(), "rootfs-real-debian-"));
    });
    after(async () => {
      await server?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    test("runs the real debian-installer as far as the mirror allows", async () => {
      const file = await debianBuildFile(work, "debian-12-netboot", {
        source: { iso: { url: `file://${iso}`, checksum: `sha256:${await sha256OfFile(iso)}` } },
        install: {
          network: { mirror: `${server.url}/debian`, insecureSkipSignature: true },
          diskSize: "4Gi",
          timeout: "40m",
          vm: { cpu: 2, memory: "1Gi" },
        },
      });
      const run = await rootfsCli([
        "build",
        "-f",
        file,
        "--out",
        path.join(work, "out"),
        "--cache",
        path.join(work, "cache"),
        "--accel",
        accel,
      ]);
      const marks = { components: /Retrieving [a-z0-9]/, failed: /Installer failed/ };
      console.error(`Phase starts (s): ${JSON.stringify(phaseStarts(run, marks))}`);

      // The preseed was read from the initrd (no question was asked before the network), the network came up
      // through the relay, and the mirror the preseed names served its lists and installer components.
      const requested = server.requests.map((r) => r.url);
      assert.ok(requested.includes("/debian/dists/bookworm/Release"), "mirror choice: the suite's Release");
      assert.ok(
        requested.includes("/debian/dists/bookworm/main/debian-installer/binary-amd64/Packages.gz") ||
          requested.includes("/debian/dists/bookworm/main/debian-installer/binary-amd64/Packages"),
        "component retrieval: the udeb list",
      );
      const udebs = requested.filter((url) => url.endsWith(".udeb"));
      assert.ok(udebs.length >= 10, `component retrieval: ${udebs.length} udebs fetched`);
      assert.match(
        run.stderr,
        /\[install\] (\d+% )?Retrieving [a-z0-9.+-]+$/m,
        "anna's progress reached the build",
      );

      if (mirror.missing.length === 0) {
        assert.equal(run.code, 0, "with every package available the install runs to the end");
        return;
      }
      assert.notEqual(
        run.code,
        0,
        `the mirror lacks ${mirror.missing.length} packages, so the install cannot finish`,
      );
      assert.match(run.stderr, /rootfs build failed \(InstallFailed\)/);
      const library = /could not load (\S+?)(\.so[.\d]*)?: the installer component \(udeb\)/.exec(run.stderr);
      assert.ok(library, `the reason names what is missing:\n${run.stderr.slice(-3000)}`);
      const stem = (library[1] ?? "").replace(/[^a-z0-9]/g, "");
      assert.ok(
        mirror.missing.some((udeb) => udeb.replace(/[^a-z0-9]/g, "").startsWith(stem)),
        `${library[1]} belongs to a udeb the archive did not serve (${mirror.missing.join(" ")})`,
      );
      assert.ok(
        run.durationMs < 30 * 60_000,
        `failed after ${Math.round(run.durationMs / 1000)}s, not minutes`,
      );
    });
  },
);
