import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { answerFileFor } from "../../../src/installers/answer-file.js";
import {
  failureSignaturesFor,
  progressPatternsFor,
  successMarkerFor,
} from "../../../src/installers/console-signals.js";
import { printMarkerCommand } from "../../../src/installers/install-markers.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import type { InstallerProfile } from "../../../src/installers/profile.js";
import { answerFileRequest } from "./request-fixtures.js";

const profiles: InstallerProfile[] = [
  profileFor("rhel", "9", "x86_64"),
  profileFor("debian", "12", "x86_64"),
  profileFor("ubuntu", "24.04", "x86_64"),
];

const failureOf = (profile: InstallerProfile, line: string) =>
  failureSignaturesFor(profile).find((s) => new RegExp(s.pattern).test(line))?.reason;

const progressOf = (profile: InstallerProfile, line: string) => {
  for (const p of progressPatternsFor(profile)) {
    const match = new RegExp(p.pattern).exec(line);
    if (match) return { stage: p.stage, done: match.groups?.done, total: match.groups?.total };
  }
  return undefined;
};

describe("console signals", () => {
  for (const profile of profiles) {
    it(`${profile.kind}: the marker our answer file prints is the success marker, and its command text is not`, () => {
      const success = new RegExp(successMarkerFor(profile));
      assert.ok(success.test("rootfs-operator: install finished"));
      assert.ok(
        !success.test(printMarkerCommand("finished")),
        "subiquity echoes commands; they must not match",
      );
      assert.equal(
        failureOf(profile, "rootfs-operator: install failed"),
        "the installer ran our failure hook",
      );
      const answer = answerFileFor(profile, answerFileRequest(profile.distro, profile.release, profile.arch));
      assert.ok(answer.files.some((f) => f.content.includes("finished > /dev/console")));
    });

    it(`${profile.kind}: every pattern compiles and quiet lines match nothing`, () => {
      for (const p of [...failureSignaturesFor(profile), ...progressPatternsFor(profile)])
        new RegExp(p.pattern);
      assert.equal(failureOf(profile, "Started Network Manager."), undefined);
      assert.equal(failureOf(profile, "rootfs-operator: install finished"), undefined);
      assert.equal(
        failureOf(profile, "[  12.3] Kernel panic - not syncing: VFS"),
        "the installer's kernel panicked",
      );
    });
  }

  it("anaconda: lorax's failures, skipping IGNORED lines; package progress with counts", () => {
    const [rhel] = profiles as [InstallerProfile];
    assert.match(failureOf(rhel, "Traceback (most recent call last):") ?? "", /traceback/);
    assert.equal(failureOf(rhel, "IGNORED: Traceback (most recent call last):"), undefined);
    assert.match(failureOf(rhel, "packaging: base repo (http://x) not valid") ?? "", /not valid/);
    assert.equal(
      failureOf(rhel, "packaging: base repo (CDROM/file:///run/install/sources) not valid"),
      undefined,
    );
    assert.match(
      failureOf(rhel, "Please make a selection from the above ['c' to continue]:") ?? "",
      /waiting for input/,
    );
    assert.deepEqual(progressOf(rhel, "Installing kernel-core-5.14.0-503.el9.x86_64 (245/389)"), {
      stage: "packages",
      done: "245",
      total: "389",
    });
    assert.equal(progressOf(rhel, "Installing boot loader")?.stage, "bootloader");
  });

  it("debian-installer: failed steps and unanswered critical questions", () => {
    const debian = profiles[1] as InstallerProfile;
    assert.match(
      failureOf(debian, "│ An installation step failed. You can try to run the failing item") ?? "",
      /step failed/,
    );
    // A dialog's title line, as the console reader leaves it once the frame is gone; [!] and [!!] alike.
    assert.match(failureOf(debian, " [!!] Partition disks") ?? "", /dialog the preseed does not answer/);
    assert.match(failureOf(debian, "    [!] Configure the network") ?? "", /dialog the preseed/);
    assert.equal(failureOf(debian, "Retrieving [!] nothing"), undefined);
    assert.deepEqual(progressOf(debian, "Retrieving file 12 of 140"), {
      stage: "packages",
      done: "12",
      total: "140",
    });
  });

  it("subiquity: FAIL events and error screens", () => {
    const ubuntu = profiles[2] as InstallerProfile;
    assert.match(
      failureOf(ubuntu, "finish: subiquity/Install/install/curtin_install: FAIL: curtin command install") ??
        "",
      /stage failed/,
    );
    assert.match(
      failureOf(ubuntu, "Sorry, there was a problem completing the installation.") ?? "",
      /error screen/,
    );
    assert.equal(
      failureOf(ubuntu, "finish: subiquity/Install/install: SUCCESS: installing system"),
      undefined,
    );
    assert.equal(
      progressOf(ubuntu, "start: cmd-install/stage-partitioning: configuring storage")?.stage,
      "storage",
    );
  });
});
