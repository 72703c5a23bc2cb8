// What the installer profiles are asked to produce. The RootfsBuild spec is mapped onto this type
// elsewhere; nothing here knows about Kubernetes.

export type Distro =
  "openeuler" | "centos-stream" | "rocky" | "almalinux" | "fedora" | "rhel" | "debian" | "ubuntu";

export type Arch = "x86_64" | "aarch64";

export type RootPassword = { kind: "locked" } | { kind: "hash"; hash: string };

export type SelinuxMode = "disabled" | "permissive" | "enforcing";

export type RootFsType = "ext4" | "xfs";

export interface AnswerFileRequest {
  distro: Distro;
  release: string;
  arch: Arch;
  /** Extra packages (kickstart also takes @groups). */
  packages: string[];
  /** A crypt(3) hash such as $6$…, never a plain password; or a locked root account. */
  rootPassword: RootPassword;
  /** SELinux only exists on the kickstart distributions; Debian and Ubuntu accept only "disabled". */
  selinux: SelinuxMode;
  rootFsType: RootFsType;
  /**
   * User fragments merged into the generated answer file. Kickstart: commands (which replace ours of the
   * same name) or sections. Preseed: extra lines (which replace ours for the same question).
   * Autoinstall: YAML mappings deep-merged into the autoinstall mapping.
   */
  fragments: string[];
  /**
   * A complete answer file that replaces the generated one; still checked like a generated one, and given
   * what an unattended build needs (power off, end-of-install markers). The packages, root password,
   * filesystem, timezone and locale above are then the file's business and are not applied.
   */
  userAnswerFile?: string;
  timezone?: string;
  locale?: string;
  /**
   * Install from this package mirror, reached over the network; without it the install is offline and takes
   * every package from the installer medium.
   */
  mirror?: Mirror;
}

export interface Mirror {
  /** The mirror as the install VM reaches it: a Debian/Ubuntu archive root or an anaconda install tree. */
  url: string;
  /** The mirror's package lists are not signed with the distribution's keys (Debian only). */
  insecureSkipSignature: boolean;
}

export const defaultTimezone = "Etc/UTC";
export const defaultLocale = "en_US.UTF-8";
