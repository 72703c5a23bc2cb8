import type { AcceleratorRequest } from "../qemu/accelerator.js";
import type { Accelerator, GuestArch } from "../qemu/guest-arch.js";

export interface VerifyRequest {
  /** The extracted kernel (vmlinuz / Image). */
  kernel: string;
  /** The extracted rootfs as a compressed initramfs (cpio, usually gzip). */
  cgz: string;
  arch: GuestArch;
  /**
   * shell: a script of ours runs as init under the rootfs's /bin/sh (quick). systemd: the rootfs's own
   * /sbin/init boots to multi-user.target, and any unit that failed fails the check.
   */
  mode?: VerifyMode;
  timeoutMs: number;
  /** Where the serial console is written. */
  consoleLog?: string;
  accel?: AcceleratorRequest;
  /** Defaults to a size that fits the unpacked cgz (3 × unpacked + 512 MiB). */
  memoryBytes?: number;
  /** Human-readable status lines, e.g. which accelerator is used. */
  onMessage?: (text: string) => void;
  signal?: AbortSignal;
}

export type VerifyMode = "shell" | "systemd";

export interface VerifyResult {
  passed: boolean;
  /** The pass marker the check script printed, when it did. */
  marker?: string;
  /** systemd mode, once multi-user.target was reached: the units that failed. */
  failedUnits?: string[];
  /** Why the check failed, when it did. */
  failure?: string;
  /** The last ~40 console lines. */
  consoleTail: string;
  accel: Accelerator;
  durationMs: number;
}
