import {
  withFragment,
  withMirror,
  withPackages,
  withRootHash,
  type RequestModifier,
} from "./request-fixtures.js";

// The request shapes every release is rendered in: defaults (offline), extra packages, a user fragment, a
// root password hash, and a network install from a mirror.

export interface Variant {
  name: string;
  modifiers: RequestModifier[];
}

export function variants(fragment: string, packages: string[]): Variant[] {
  return [
    { name: "defaults", modifiers: [] },
    { name: "with packages", modifiers: [withPackages(...packages)] },
    { name: "with user fragment", modifiers: [withFragment(fragment)] },
    { name: "with root password", modifiers: [withRootHash()] },
    { name: "from a mirror", modifiers: [withMirror("http://192.0.2.10:8080/mirror/os")] },
  ];
}

export const kickstartFragment = `# Bring up the NIC and mark the image.
network --bootproto=dhcp --device=link --activate
services --enabled=sshd
%packages --excludedocs
openssh-server
-plymouth
%end
%post
echo "built by rootfs-operator" > /etc/rootfs-build
%end
`;

export const preseedFragment = `d-i mirror/http/hostname string mirror.example.org
d-i pkgsel/include string openssh-server
d-i preseed/late_command string \\
    in-target systemctl enable ssh; \\
    echo done
`;

export const autoinstallFragment = `packages: [htop]
ssh:
  install-server: true
late-commands:
  - echo "built by rootfs-operator" > /target/etc/rootfs-build
user-data:
  disable_root: false
`;
