import { withFragment, withPackages, withRootHash, type RequestModifier } from "./request-fixtures.js";

// The four request shapes every release is rendered in: defaults, extra packages, a user fragment, and a
// root password hash.

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
