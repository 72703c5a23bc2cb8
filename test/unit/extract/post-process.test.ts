import assert from "node:assert/strict";
import { test } from "node:test";
import {
  commentFstab,
  disableSelinux,
  rewriteFor,
  setRootPassword,
  type PostProcess,
} from "../../../src/steps/extract/post-process.js";
import { tarEntry } from "./entries.js";

const all: PostProcess = {
  commentFstab: true,
  disableSelinux: true,
  emptyMachineId: true,
  sshHostKeys: "remove",
  rootPassword: { kind: "locked" },
};
const none: PostProcess = {
  commentFstab: false,
  disableSelinux: false,
  emptyMachineId: false,
  sshHostKeys: "keep",
  rootPassword: { kind: "unchanged" },
};

test("fstab mounts are commented out; comments and blank lines stay", () => {
  const fstab =
    "# static\nUUID=1 / ext4 defaults 0 1\n\n  /dev/sda2 /boot xfs defaults 0 0\n#UUID=2 none swap\n";
  assert.equal(
    commentFstab(fstab),
    "# static\n#UUID=1 / ext4 defaults 0 1\n\n#  /dev/sda2 /boot xfs defaults 0 0\n#UUID=2 none swap\n",
  );
});

test("SELINUX= is set to disabled, or added when missing", () => {
  assert.equal(
    disableSelinux("# c\nSELINUX=enforcing\nSELINUXTYPE=targeted\n"),
    "# c\nSELINUX=disabled\nSELINUXTYPE=targeted\n",
  );
  assert.equal(disableSelinux("SELINUXTYPE=targeted"), "SELINUXTYPE=targeted\nSELINUX=disabled\n");
});

test("root's password field is replaced and the other fields and users stay", () => {
  const shadow = "root:$6$old:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n";
  assert.equal(setRootPassword(shadow, "!"), "root:!:19000:0:99999:7:::\nalice:!:19000:0:99999:7:::\n");
  assert.equal(setRootPassword("alice:x:1::::::\n", "$6$h"), "alice:x:1::::::\nroot:$6$h::0:99999:7:::\n");
  assert.throws(() => setRootPassword(shadow, "a:b"), /postProcess.rootPassword/);
});

test("each option touches only its file, and only regular files", () => {
  const kinds = (post: PostProcess, path: string) => rewriteFor(tarEntry(path), post).kind;
  assert.equal(kinds(all, "etc/fstab"), "content");
  assert.equal(kinds(all, "etc/selinux/config"), "content");
  assert.equal(kinds(all, "etc/machine-id"), "content");
  assert.equal(kinds(all, "etc/shadow"), "content");
  assert.equal(kinds(all, "etc/ssh/ssh_host_ed25519_key"), "drop");
  assert.equal(kinds(all, "etc/ssh/ssh_host_ed25519_key.pub"), "drop");
  assert.equal(kinds(all, "etc/ssh/sshd_config"), "keep");
  assert.equal(kinds(all, "usr/etc/fstab"), "keep");
  for (const path of [
    "etc/fstab",
    "etc/selinux/config",
    "etc/machine-id",
    "etc/shadow",
    "etc/ssh/ssh_host_rsa_key",
  ]) {
    assert.equal(kinds(none, path), "keep", path);
  }
  assert.equal(rewriteFor(tarEntry("etc/fstab", { type: "symlink", linkTarget: "x" }), all).kind, "keep");
});

test("restricting host keys makes the private keys 0600 and leaves the public ones", () => {
  const restrict = { ...none, sshHostKeys: "restrict" as const };
  assert.deepEqual(rewriteFor(tarEntry("etc/ssh/ssh_host_rsa_key", { mode: 0o640 }), restrict), {
    kind: "chmod",
    mode: 0o600,
  });
  assert.equal(rewriteFor(tarEntry("etc/ssh/ssh_host_rsa_key.pub"), restrict).kind, "keep");
});

test("machine-id becomes empty and the shadow rewrite uses the requested hash", () => {
  const machineId = rewriteFor(tarEntry("etc/machine-id"), all);
  assert.equal(machineId.kind === "content" && machineId.rewrite("0123\n"), "");
  const withHash = rewriteFor(tarEntry("etc/shadow"), {
    ...none,
    rootPassword: { kind: "hash", hash: "$6$s$h" },
  });
  assert.equal(withHash.kind === "content" && withHash.rewrite("root:*:1::::::\n"), "root:$6$s$h:1::::::\n");
});

// Debian 12's /lib/systemd/system/ssh.service, as openssh-server 1:9.2p1-2 ships it.
const debianSshUnit = `[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
`;

test("with host keys removed, Debian's and Ubuntu's ssh units make new ones before sshd checks its config", () => {
  for (const path of ["usr/lib/systemd/system/ssh.service", "lib/systemd/system/ssh@.service"]) {
    const rewrite = rewriteFor(tarEntry(path), all);
    assert.equal(rewrite.kind, "content", path);
    const unit = rewrite.kind === "content" ? rewrite.rewrite(debianSshUnit) : "";
    const lines = unit.split("\n");
    const keygen = lines.indexOf("ExecStartPre=/usr/bin/ssh-keygen -A");
    assert.ok(keygen > lines.indexOf("[Service]"), unit);
    assert.ok(keygen < lines.indexOf("ExecStartPre=/usr/sbin/sshd -t"), unit);
    assert.equal(rewrite.kind === "content" && rewrite.rewrite(unit), unit, "applied twice, it adds nothing");
  }
  assert.equal(rewriteFor(tarEntry("usr/lib/systemd/system/ssh.service"), none).kind, "keep");
  // The RHEL family's sshd.service runs sshd-keygen@ by itself.
  assert.equal(rewriteFor(tarEntry("usr/lib/systemd/system/sshd.service"), all).kind, "keep");
});
