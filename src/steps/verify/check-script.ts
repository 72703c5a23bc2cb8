import type { GuestArch } from "../qemu/guest-arch.js";
import { serialConsoleFor } from "../qemu/guest-arch.js";

/** Where the check script sits in the initramfs; the kernel runs it as PID 1. */
export const checkScriptPath = "/rootfs-check";

/** The line the check script prints when the rootfs's own shell and tools work. */
export function passMarker(nonce: string): string {
  return `ROOTFS-VERIFY-OK ${nonce}`;
}

/**
 * Runs as init under the rootfs's own /bin/sh (we add no shell) and calls only the rootfs's tools. The
 * nonce comes from the kernel command line as $rootfs_verify_nonce (the kernel hands unknown name=value
 * arguments to init's environment), so an old console log cannot pass for a new boot. It then powers off:
 * through sysrq (needs only the kernel), else poweroff, else by exiting, which panics the kernel, and
 * with panic=-1 and -no-reboot that ends qemu too.
 */
export const checkScript = `#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
echo "rootfs-check: running as PID $$ with the rootfs's /bin/sh"
if uname -a && id && cat /etc/os-release && ls / >/dev/null; then
  echo "ROOTFS-VERIFY-OK $rootfs_verify_nonce"
else
  echo "ROOTFS-VERIFY-FAILED: a basic command of the rootfs failed"
fi
mkdir -p /proc 2>/dev/null
mount -t proc proc /proc 2>/dev/null && echo o > /proc/sysrq-trigger
sleep 5 2>/dev/null
poweroff -f -f 2>/dev/null
exit 0
`;

/**
 * The kernel command line. `init=` repeats `rdinit=` so that when the script cannot run (no /bin/sh) the
 * kernel panics at once instead of falling back to the rootfs's /sbin/init; panic=-1 reboots immediately.
 */
export function verifyKernelArgs(arch: GuestArch, nonce: string): string {
  return [
    `console=${serialConsoleFor(arch)}`,
    `rdinit=${checkScriptPath}`,
    `init=${checkScriptPath}`,
    "panic=-1",
    `rootfs_verify_nonce=${nonce}`,
  ].join(" ");
}
