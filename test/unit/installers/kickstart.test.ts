import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { answerFileFor } from "../../../src/installers/answer-file.js";
import { InstallerInputError } from "../../../src/installers/errors.js";
import { profileFor } from "../../../src/installers/profile-for.js";
import type { KickstartProfile } from "../../../src/installers/profile.js";
import type { Arch, Distro } from "../../../src/installers/request.js";
import { validateKickstarts, type Verdict } from "./real-validators.js";
import { fixturesDir } from "./repo-paths.js";
import { arches, kickstartRows } from "./release-matrix.js";
import {
  answerFileRequest,
  withFragment,
  withRootFs,
  withUserAnswerFile,
  type RequestModifier,
} from "./request-fixtures.js";
import { kickstartFragment, variants } from "./variants.js";

// Every kickstart we render must pass pykickstart (`ksvalidator -v <handler>`) for the release's anaconda.

interface Case {
  id: string;
  profile: KickstartProfile;
  ks: string;
  handlers: string[];
}

function kickstartCase(
  id: string,
  distro: Distro,
  release: string,
  arch: Arch,
  ...mods: RequestModifier[]
): Case {
  const profile = profileFor(distro, release, arch);
  if (profile.kind !== "kickstart") return assert.fail(`${distro} does not install with kickstart`);
  const request = answerFileRequest(distro, release, arch, ...mods);
  const answer = answerFileFor(profile, request);
  assert.equal(answer.fileName, "ks.cfg");
  const ks = answer.files.find((f) => f.path === "ks.cfg")?.content ?? "";
  return { id, profile, ks, handlers: [profile.ksVersion] };
}

const cases: Case[] = [];
for (const row of kickstartRows) {
  for (const arch of arches) {
    for (const variant of variants(kickstartFragment, ["vim-minimal", "tmux", "@standard"])) {
      const c = kickstartCase(
        `${row.distro} ${row.release} ${arch} ${variant.name}`,
        row.distro,
        row.release,
        arch,
        ...variant.modifiers,
      );
      c.handlers.push(...row.alsoValidAgainst);
      cases.push(c);
    }
  }
}
cases.push(kickstartCase("rhel 9 x86_64 xfs root", "rhel", "9", "x86_64", withRootFs("xfs")));

const fixture = (name: string) => readFileSync(path.join(fixturesDir, name), "utf8");

// Inputs only pykickstart can judge: the TypeScript checks pass them, pykickstart must not.
const badOption = kickstartCase(
  "bad option",
  "rhel",
  "9",
  "x86_64",
  withFragment("part /var --fstype=xfs --bogus-option"),
);
const deprecated = kickstartCase(
  "deprecated",
  "rhel",
  "8",
  "x86_64",
  withFragment("authconfig --enableshadow"),
);
const userFile = kickstartCase(
  "user file",
  "rocky",
  "9",
  "x86_64",
  withUserAnswerFile(fixture("user-kickstart-rhel9.cfg")),
);

// One pykickstart run for the whole file: starting Python and building handlers dominates the time.
let verdicts: Map<string, Verdict>;
before(() => {
  verdicts = validateKickstarts(
    [...cases, badOption, deprecated, userFile].flatMap((c) =>
      c.handlers.map((version) => ({ id: `${c.id} @${version}`, version, content: c.ks })),
    ),
  );
});
const verdictOf = (c: Case, version: string = c.profile.ksVersion) => verdicts.get(`${c.id} @${version}`);

describe("kickstart rendered for every release passes pykickstart", () => {
  for (const c of cases) {
    it(c.id, () => {
      for (const version of c.handlers) {
        const verdict = verdictOf(c, version);
        assert.ok(
          verdict?.ok,
          `pykickstart ${version} rejected:\n${verdict?.messages.join("\n")}\n---\n${c.ks}`,
        );
      }
    });
  }
});

describe("kickstart content", () => {
  const at = (id: string) => cases.find((c) => c.id === id)?.ks ?? assert.fail(`no case ${id}`);

  it("installs text-mode, non-interactively, onto vda and powers off, never reboots", () => {
    const ks = at("rocky 9 x86_64 defaults");
    assert.match(ks, /^text --non-interactive$/m);
    assert.match(ks, /^ignoredisk --only-use=vda$/m);
    assert.match(ks, /^poweroff$/m);
    assert.doesNotMatch(ks, /^(reboot|halt|shutdown)\b/m);
    assert.match(ks, /^selinux --disabled$/m);
    assert.match(ks, /^rootpw --iscrypted --lock locked$/m);
    assert.match(ks, /^part \/ --fstype=ext4 /m);
  });

  it("installs from the ISO by default, and from the one mirror over DHCP when asked", () => {
    assert.match(at("rocky 9 x86_64 defaults"), /^cdrom$/m);
    const ks = at("rocky 9 x86_64 from a mirror");
    assert.doesNotMatch(ks, /^cdrom$/m);
    assert.match(ks, /^url --url=http:\/\/192\.0\.2\.10:8080\/mirror\/os$/m);
    assert.match(ks, /^network --bootproto=dhcp --device=link --activate$/m);
  });

  it("uses reqpart on x86_64 and an EFI system partition on aarch64, with the arch's serial console", () => {
    assert.match(at("fedora 42 x86_64 defaults"), /^reqpart$/m);
    assert.match(at("fedora 42 x86_64 defaults"), /--append="console=ttyS0,115200"/);
    const arm = at("fedora 42 aarch64 defaults");
    assert.match(arm, /^part \/boot\/efi --fstype=efi /m);
    assert.doesNotMatch(arm, /^reqpart/m);
    assert.match(arm, /--append="console=ttyAMA0,115200"/);
  });

  it("puts the root hash and packages in, and merges fragment packages into the one %packages section", () => {
    assert.match(at("almalinux 9 x86_64 with root password"), /^rootpw --iscrypted \$6\$rootfsop\$/m);
    assert.match(at("almalinux 9 x86_64 with packages"), /%packages\nvim-minimal\ntmux\n@standard\n%end/);
    const merged = at("almalinux 9 x86_64 with user fragment");
    assert.equal(merged.match(/^%packages/gm)?.length, 1);
    assert.match(merged, /^%packages --excludedocs\nopenssh-server\n-plymouth\n%end/m);
    assert.match(merged, /^network --bootproto=dhcp/m);
  });

  it("ends with the success marker %post, after the user's %post", () => {
    const ks = at("centos-stream 10 aarch64 with user fragment");
    assert.ok(ks.indexOf("/etc/rootfs-build") < ks.indexOf("%post --nochroot"));
    assert.match(
      ks,
      /%post --nochroot\nprintf 'rootfs-operator: install %s\\n' finished > \/dev\/console\n%end\n$/,
    );
  });

  it("lets a fragment replace the install source and the whole partitioning", () => {
    const { ks } = kickstartCase(
      "x",
      "rhel",
      "9",
      "x86_64",
      withFragment("url --url=http://mirror.example/rhel9\nautopart --type=plain --nohome"),
    );
    assert.doesNotMatch(ks, /^(cdrom|reqpart|part) /m);
    assert.match(ks, /^autopart --type=plain --nohome$/m);
  });
});

describe("user kickstart input is checked", () => {
  const reject = (modifier: RequestModifier, release: string, expected: RegExp) =>
    assert.throws(
      () => kickstartCase("bad", "rhel", release, "x86_64", modifier),
      (e: unknown) =>
        e instanceof InstallerInputError && e.reason === "AnswerFileInvalid" && expected.test(e.message),
    );

  it("rejects a fragment with an unknown command, naming it and the line", () =>
    reject(
      withFragment("network --bootproto=dhcp\nbogus --on"),
      "9",
      /fragment 1 .*line 2: "bogus" is not a kickstart command of rhel 9 \(pykickstart RHEL9/,
    ));
  it("rejects a command the release's anaconda removed", () =>
    reject(withFragment("auth --enableshadow"), "10", /"auth" is not a kickstart command of rhel 10/));
  it("rejects reboot, which would leave the build waiting", () =>
    reject(withFragment("reboot"), "9", /"reboot": the build waits for the install VM to power off/));
  it("rejects a section without %end", () =>
    reject(
      withFragment("%post\necho hi"),
      "9",
      /%post section opened on line 1 never ends; add a line "%end"/,
    ));

  it("leaves option errors to pykickstart, which catches them", () => {
    const verdict = verdictOf(badOption);
    assert.equal(verdict?.ok, false);
    assert.match(verdict?.messages.join(" ") ?? "", /--bogus-option/);
  });

  it("catches a command pykickstart only warns is deprecated (authconfig on RHEL 8)", () => {
    const verdict = verdictOf(deprecated);
    assert.equal(verdict?.ok, false);
    assert.match(verdict?.messages.join(" ") ?? "", /authconfig command will be deprecated/);
  });

  it("accepts a complete user kickstart, adding poweroff and the markers, and it passes pykickstart", () => {
    assert.ok(userFile.ks.startsWith(fixture("user-kickstart-rhel9.cfg").trimEnd()));
    assert.match(userFile.ks, /^poweroff$/m);
    assert.match(userFile.ks, /finished > \/dev\/console/);
    const verdict = verdictOf(userFile);
    assert.ok(verdict?.ok, verdict?.messages.join("\n"));
  });

  it("rejects a complete user kickstart using a removed command, naming it", () =>
    reject(
      withUserAnswerFile(fixture("user-kickstart-invalid.cfg")),
      "9",
      /the user kickstart .*line 3: "install" is not a kickstart command/,
    ));
});
