import { serialConsoleFor, type GuestArch } from "../qemu/guest-arch.js";
import type { CpioEntry } from "./newc-cpio.js";

// The systemd check: the rootfs boots with its own /sbin/init, and once multi-user.target is reached a unit
// of ours lists the units that failed on the console, then powers the VM off.

const reportScriptPath = "/rootfs-verify-systemd";
const unitName = "rootfs-verify.service";

/** Printed once per failed unit, then the done marker; the nonce ties them to this boot. */
export const failedUnitPrefix = "ROOTFS-VERIFY-FAILED-UNIT";
export const systemdDoneMarker = "ROOTFS-VERIFY-MULTI-USER";

// Only shell builtins and systemctl, which a systemd rootfs has. The nonce comes from /proc/cmdline: a
// service does not inherit PID 1's environment.
const reportScript = `#!/bin/sh
exec >/dev/console 2>&1
read -r cmdline </proc/cmdline
for arg in $cmdline; do
  case "$arg" in rootfs_verify_nonce=*) nonce="\${arg#*=}" ;; esac
done
systemctl list-units --state=failed --no-legend --plain --full | while read -r unit rest; do
  echo "${failedUnitPrefix} $nonce $unit"
done
echo "${systemdDoneMarker} $nonce reached"
systemctl --no-block poweroff
`;

// DefaultDependencies=no keeps multi-user.target from ordering itself after this unit it wants, which would
// be a cycle with After=multi-user.target: so the unit starts once the target is reached, every unit it
// wants started or failed.
const unit = `[Unit]
Description=rootfs-operator verify: report failed units at multi-user.target
DefaultDependencies=no
After=multi-user.target

[Service]
Type=oneshot
ExecStart=${reportScriptPath}
`;

/** What the systemd check adds to the rootfs's initramfs. */
export function systemdCheckEntries(): CpioEntry[] {
  return [
    { type: "file", path: reportScriptPath, data: Buffer.from(reportScript), mode: 0o755 },
    { type: "dir", path: "etc/systemd/system/multi-user.target.wants" },
    { type: "file", path: `etc/systemd/system/${unitName}`, data: Buffer.from(unit) },
    {
      type: "symlink",
      path: `etc/systemd/system/multi-user.target.wants/${unitName}`,
      target: `/etc/systemd/system/${unitName}`,
    },
  ];
}

/** The rootfs's own init is PID 1; panic=-1 ends the VM at once if it cannot run. */
export function systemdKernelArgs(arch: GuestArch, nonce: string): string {
  return [
    `console=${serialConsoleFor(arch)}`,
    "rdinit=/sbin/init",
    "panic=-1",
    `rootfs_verify_nonce=${nonce}`,
  ].join(" ");
}

/** Reads the report lines of this boot; `done` once the marker came, with the failed units before it. */
export class SystemdReport {
  readonly failedUnits: string[] = [];
  done = false;

  constructor(private readonly nonce: string) {}

  accept(line: string): void {
    const unitLine = line.indexOf(`${failedUnitPrefix} ${this.nonce} `);
    if (unitLine !== -1) {
      this.failedUnits.push(line.slice(unitLine + failedUnitPrefix.length + this.nonce.length + 2).trim());
    } else if (line.includes(`${systemdDoneMarker} ${this.nonce} reached`)) {
      this.done = true;
    }
  }
}
