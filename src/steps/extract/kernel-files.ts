export interface BootFiles {
  version: string;
  /** Guest paths without the leading "/", as they appear in the tar stream. */
  kernel: string;
  initrd?: string;
}

/** Initrd names by distro family: Fedora/openEuler/RHEL, Debian/Ubuntu, SUSE, others. */
const initrdNames = (version: string): string[] => [
  `initramfs-${version}.img`,
  `initrd.img-${version}`,
  `initrd-${version}`,
  `initrd-${version}.img`,
  `initramfs-${version}`,
];

/**
 * Picks the newest kernel from the names in /boot: `vmlinuz-<version>`, skipping rescue kernels
 * (Fedora's vmlinuz-0-rescue-<machine-id>) and backups, then its initrd if there is one.
 */
export function newestBootFiles(bootNames: readonly string[]): BootFiles | undefined {
  const versions = bootNames
    .map((name) => /^vmlinuz-(.+)$/.exec(name)?.[1])
    .filter((version): version is string => version !== undefined)
    .filter((version) => !version.includes("rescue") && !/\.(old|bak|hmac)$/.test(version));
  const version = versions.sort(compareVersions).at(-1);
  if (version === undefined) return undefined;
  const present = new Set(bootNames);
  const initrd = initrdNames(version).find((name) => present.has(name));
  return { version, kernel: `boot/vmlinuz-${version}`, ...(initrd && { initrd: `boot/${initrd}` }) };
}

/** Orders "6.1.0-9-amd64" before "6.1.0-10-amd64": digit runs compare as numbers. */
export function compareVersions(a: string, b: string): number {
  const partsA = a.match(/\d+|\D+/g) ?? [];
  const partsB = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
    const x = partsA[i];
    const y = partsB[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const bothNumbers = /^\d/.test(x) && /^\d/.test(y);
    if (bothNumbers) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return 0;
}
