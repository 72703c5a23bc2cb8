import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { answerFileFor } from "../../../src/installers/answer-file.js";
import { InstallerInputError } from "../../../src/installers/errors.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import { checkPreseed } from "./real-validators.js";
import { fixturesDir } from "./repo-paths.js";
import { arches, debianReleases } from "./release-matrix.js";
import {
  answerFileRequest,
  withFragment,
  withMirror,
  withPackages,
  withRootFs,
  withSelinux,
  withUserAnswerFile,
  type RequestModifier,
} from "./request-fixtures.js";
import { preseedFragment, variants } from "./variants.js";

// Every preseed we render must pass `debconf-set-selections --checkonly`.

function preseed(release: string, arch: "x86_64" | "aarch64", ...mods: RequestModifier[]): string {
  const profile = profileFor("debian", release, arch);
  const answer = answerFileFor(profile, answerFileRequest("debian", release, arch, ...mods));
  assert.equal(answer.fileName, "preseed.cfg");
  return answer.files.find((f) => f.path === "preseed.cfg")?.content ?? "";
}

const fixture = (name: string) => readFileSync(path.join(fixturesDir, name), "utf8");

describe("preseed rendered for every release passes debconf-set-selections", () => {
  for (const release of debianReleases) {
    for (const arch of arches) {
      for (const variant of variants(preseedFragment, ["vim", "tmux"])) {
        it(`debian ${release} ${arch} ${variant.name}`, () => {
          const text = preseed(release, arch, ...variant.modifiers);
          const verdict = checkPreseed(text);
          assert.ok(verdict.ok, `${verdict.messages.join("\n")}\n---\n${text}`);
          assert.match(text, /^d-i debian-installer\/exit\/poweroff boolean true$/m);
          assert.match(text, /^d-i finish-install\/reboot_in_progress note$/m);
          assert.match(text, /^d-i partman-auto\/choose_recipe select atomic$/m);
          assert.equal(text.match(/preseed\/late_command/g)?.length, 1);
        });
      }
    }
  }
});

describe("preseed content", () => {
  it("locks root, sets the arch's serial console for the installed kernel, and marks the end", () => {
    const text = preseed("12", "aarch64");
    assert.match(text, /^d-i passwd\/root-password-crypted password !$/m);
    assert.match(text, /^d-i debian-installer\/add-kernel-opts string console=ttyAMA0,115200$/m);
    assert.match(
      text,
      /^d-i preseed\/late_command string \( in-target usermod --lock root \) && printf 'rootfs-operator: install %s\\n' finished > \/dev\/console$/m,
    );
  });

  it("uses the root hash, the packages and the root filesystem asked for", () => {
    const text = preseed("13", "x86_64", withPackages("vim"), withRootFs("xfs"));
    assert.match(text, /^d-i pkgsel\/include string vim$/m);
    assert.match(text, /^d-i partman\/default_filesystem string xfs$/m);
  });

  it("lets fragment lines replace ours and chains their late_command before the marker", () => {
    const text = preseed("12", "x86_64", withFragment(preseedFragment));
    assert.match(text, /^d-i mirror\/http\/hostname string mirror.example.org$/m);
    assert.doesNotMatch(text, /deb\.debian\.org/);
    assert.match(
      text,
      /late_command string \( in-target usermod --lock root \) && \( in-target systemctl enable ssh;.*echo done \) && printf/,
    );
  });
});

describe("preseed install source", () => {
  it("offline by default: no network, no mirror, no update services, no further discs", () => {
    const text = preseed("12", "x86_64");
    assert.match(text, /^d-i netcfg\/enable boolean false$/m);
    assert.match(text, /^d-i apt-setup\/use_mirror boolean false$/m);
    assert.match(text, /^apt-mirror-setup apt-setup\/no_mirror boolean true$/m);
    assert.match(text, /^d-i apt-setup\/services-select multiselect$/m);
    assert.match(text, /^d-i apt-setup\/cdrom\/set-first boolean false$/m);
    assert.doesNotMatch(text, /mirror\/http|netcfg\/choose_interface|allow_unauthenticated/);
  });

  it("from a mirror: DHCP, the mirror split into its questions, name servers answered", () => {
    const text = preseed("12", "x86_64", withMirror("http://10.0.2.100:8080/debian/", true));
    assert.match(text, /^d-i netcfg\/choose_interface select auto$/m);
    assert.match(text, /^d-i netcfg\/get_nameservers string$/m);
    assert.match(text, /^d-i apt-setup\/use_mirror boolean true$/m);
    assert.match(text, /^d-i mirror\/protocol select http$/m);
    assert.match(text, /^d-i mirror\/http\/hostname string 10\.0\.2\.100:8080$/m);
    assert.match(text, /^d-i mirror\/http\/directory string \/debian$/m);
    assert.match(text, /^d-i debian-installer\/allow_unauthenticated boolean true$/m);
    assert.doesNotMatch(text, /netcfg\/enable/);
    assert.doesNotMatch(preseed("12", "x86_64", withMirror("https://m.example/debian")), /allow_unauth/);
    assert.match(
      preseed("12", "x86_64", withMirror("https://m.example/debian")),
      /^d-i mirror\/https\/hostname string m\.example$/m,
    );
  });

  it("copies debian-installer's syslog errors to the console, detached from debconf's pipes", () => {
    const text = preseed("12", "x86_64");
    const early = /^d-i preseed\/early_command string (.*)$/m.exec(text)?.[1] ?? "";
    assert.match(early, /^\(tail -f \/var\/log\/syslog \| grep -iE 'error\|fail' >\/dev\/console\)/);
    assert.match(early, / 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &$/);
  });

  it("rejects a mirror URL that could break out of its line", () =>
    assert.throws(
      () => preseed("12", "x86_64", withMirror("http://m.example/debian\nd-i foo string bar")),
      /must be a plain http:\/\/ or https:\/\/ URL/,
    ));
});

describe("user preseed input is checked", () => {
  const reject = (mod: RequestModifier, expected: RegExp) =>
    assert.throws(
      () => preseed("12", "x86_64", mod),
      (e: unknown) => e instanceof InstallerInputError && expected.test(e.message),
    );

  it("rejects a line that is not owner, question, type, value", () =>
    reject(
      withFragment("d-i time/zone"),
      /preseed fragment 1, line 1: "d-i time\/zone" is not "<owner> <question> <type> <value>"/,
    ));
  it("rejects an unknown type", () =>
    reject(withFragment("d-i time/zone strin Etc/UTC"), /unknown type "strin" for time\/zone/));
  it("rejects an answer that keeps the VM running", () =>
    reject(withFragment("d-i debian-installer/exit/poweroff boolean false"), /keeps the install VM running/));
  it("rejects SELinux modes, which Debian does not have", () =>
    assert.throws(
      () => preseed("12", "x86_64", withSelinux("enforcing")),
      /uses AppArmor; set selinux to disabled/,
    ));
  it("rejects kickstart @groups", () =>
    assert.throws(() => preseed("12", "x86_64", withPackages("@standard")), /kickstart group/));

  it("accepts a complete user preseed, adding what the build needs, and it passes debconf", () => {
    const text = preseed("12", "x86_64", withUserAnswerFile(fixture("user-preseed-debian12.cfg")));
    assert.ok(checkPreseed(text).ok, checkPreseed(text).messages.join("\n"));
    assert.match(text, /^d-i debian-installer\/exit\/poweroff boolean true$/m);
    assert.match(text, /late_command string \( in-target apt-get -y clean \) && printf/);
  });

  it("rejects a complete user preseed with a malformed line, naming the line", () =>
    reject(
      withUserAnswerFile(fixture("user-preseed-invalid.cfg")),
      /the user preseed, line 4: unknown type "bool" for netcfg\/enable/,
    ));

  it("the checker itself fails on bad input", () => {
    assert.equal(checkPreseed("d-i foo\n").ok, false);
    assert.equal(checkPreseed("d-i a/b nosuchtype x\n").ok, false);
  });
});
