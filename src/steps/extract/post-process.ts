import type { TarEntry } from "./tar-entry.js";

export interface PostProcess {
  commentFstab: boolean;
  disableSelinux: boolean;
  emptyMachineId: boolean;
  sshHostKeys: "remove" | "restrict" | "keep";
  rootPassword: { kind: "locked" } | { kind: "hash"; hash: string } | { kind: "unchanged" };
}

/** What happens to one entry on its way to every output. */
export type Rewrite =
  | { kind: "keep" }
  | { kind: "drop" }
  | { kind: "chmod"; mode: number }
  /** Replace a small regular file's content (the caller reads the whole body first). */
  | { kind: "content"; rewrite: (content: string) => string };

/** Files we rewrite are read whole; anything larger than this is not the config file we expect. */
export const maxRewrittenFileSize = 4 * 1024 * 1024;

const sshHostKey = /^etc\/ssh\/ssh_host_[^/]*_key$/;
const sshHostPublicKey = /^etc\/ssh\/ssh_host_[^/]*_key\.pub$/;

/** The single place that decides how post-processing changes an entry. */
export function rewriteFor(entry: TarEntry, post: PostProcess): Rewrite {
  if (entry.type !== "file") return { kind: "keep" };
  const path = entry.path;
  if (post.sshHostKeys === "remove" && (sshHostKey.test(path) || sshHostPublicKey.test(path))) {
    return { kind: "drop" };
  }
  if (post.sshHostKeys === "remove" && sshdUnit.test(path)) {
    return { kind: "content", rewrite: regenerateHostKeys };
  }
  if (post.sshHostKeys === "restrict" && sshHostKey.test(path)) return { kind: "chmod", mode: 0o600 };
  if (path === "etc/fstab" && post.commentFstab) return { kind: "content", rewrite: commentFstab };
  if (path === "etc/selinux/config" && post.disableSelinux) {
    return { kind: "content", rewrite: disableSelinux };
  }
  if (path === "etc/machine-id" && post.emptyMachineId) return { kind: "content", rewrite: () => "" };
  const password = post.rootPassword;
  if (path === "etc/shadow" && password.kind !== "unchanged") {
    const field = password.kind === "locked" ? "!" : password.hash;
    return { kind: "content", rewrite: (shadow) => setRootPassword(shadow, field) };
  }
  return { kind: "keep" };
}

// Debian's and Ubuntu's ssh.service (ssh@.service per connection) start sshd without making host keys, which
// only openssh-server's postinst does; the RHEL family's sshd.service runs sshd-keygen@ itself.
const sshdUnit = /^(usr\/)?lib\/systemd\/system\/ssh(@)?\.service$/;

/** Makes the unit create missing host keys (ssh-keygen -A) before anything else it runs. */
export function regenerateHostKeys(unit: string): string {
  const keygen = "ExecStartPre=/usr/bin/ssh-keygen -A";
  if (unit.includes(keygen)) return unit;
  return unit.replace(
    /^\[Service\][ \t]*$/m,
    `[Service]\n# Added by rootfs-operator: host keys were removed from the image.\n${keygen}`,
  );
}

/** Comments out every mount: the rootfs boots from NFS or an initramfs, not the installer's disks. */
export function commentFstab(fstab: string): string {
  return fstab.replace(/^(?![ \t]*#)(?=[ \t]*\S)/gm, "#");
}

export function disableSelinux(config: string): string {
  const line = /^[ \t]*SELINUX[ \t]*=.*$/m;
  if (line.test(config)) return config.replace(line, "SELINUX=disabled");
  return `${config}${config === "" || config.endsWith("\n") ? "" : "\n"}SELINUX=disabled\n`;
}

/** Sets root's password field ("!" locks the account, or a crypt(3) hash); other fields stay. */
export function setRootPassword(shadow: string, field: string): string {
  if (field.includes(":") || field.includes("\n")) {
    throw new Error(
      'the root password hash must not contain ":" or a newline; check postProcess.rootPassword',
    );
  }
  const lines = shadow.split("\n");
  const index = lines.findIndex((line) => line.startsWith("root:"));
  if (index === -1) {
    const prefix = shadow === "" || shadow.endsWith("\n") ? shadow : `${shadow}\n`;
    return `${prefix}root:${field}::0:99999:7:::\n`;
  }
  const fields = (lines[index] ?? "").split(":");
  fields[1] = field;
  lines[index] = fields.join(":");
  return lines.join("\n");
}
