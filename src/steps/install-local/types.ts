import type { ProgressListener } from "../../plan/progress.js";
import type { AcceleratorRequest } from "../qemu/accelerator.js";
import type { Accelerator, GuestArch } from "../qemu/guest-arch.js";
import type { FailureSignature } from "./failure-diagnosis.js";

/** What to look for on the installer's serial console; comes from the installer profile. */
export interface InstallMonitor {
  /** RegExp source of the line the installer prints on success; when given, a poweroff without it fails. */
  successMarker?: string;
  /** Lines that mean the install failed; the first match ends the install. */
  failureSignatures: FailureSignature[];
  /** RegExp sources of screen decoration (status bars, key help) that is neither progress nor failure. */
  noisePatterns?: string[];
  /**
   * RegExp sources of lines that show progress. `percent` is the milestone the line marks; with named
   * groups `done` and `total` (a count), the percentage moves from `percent` (default 0) to `upTo`
   * (default 100) as the count does.
   */
  progressPatterns: { pattern: string; percent?: number; upTo?: number }[];
}

export interface LocalInstallRequest {
  /** The remastered installer ISO; it boots and installs unattended by itself. */
  iso: string;
  /** Answer-file volume (a small ISO labelled OEMDRV or cidata), attached as a second CD-ROM. */
  sideVolume?: string;
  /**
   * The mirror of a network install, as this machine reaches it: the VM then gets a network that reaches
   * it and nothing else. Without it the VM has no network card.
   */
  mirror?: string;
  /** The blank target disk to create; an existing file there is replaced. */
  disk: string;
  diskFormat: "qcow2" | "raw";
  diskSizeBytes: number;
  arch: GuestArch;
  cpus: number;
  memoryBytes: number;
  timeoutMs: number;
  /** Where the serial console is written, to keep with the build. */
  consoleLog: string;
  monitor: InstallMonitor;
  accel?: AcceleratorRequest;
  onProgress?: ProgressListener;
  /** Every console line as it arrives (a worker Pod copies them to its log). */
  onConsoleLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface LocalInstallResult {
  accel: Accelerator;
  durationMs: number;
  consoleLog: string;
}
