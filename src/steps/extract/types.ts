import type { ProgressListener } from "../../plan/progress.js";
import type { PostProcess } from "./post-process.js";

export type Compression = "gzip" | "zstd" | "none";

export interface ExtractOutputs {
  nfsroot: boolean;
  cgz: { enabled: boolean; compression: Compression };
  tarball: { enabled: boolean; compression: Compression };
  kernel: boolean;
  /**
   * compass-ci layout: lib/modules/<kver> of the extracted kernel goes into a separate modules cgz and
   * is left out of the main cgz (the nfsroot and tarball keep it).
   */
  splitModules: boolean;
}

export interface ExtractRequest {
  disk: string;
  format: "qcow2" | "raw";
  /** Staging directory, empty or absent: outputs are written inside it; the caller renames it into place. */
  outDir: string;
  outputs: ExtractOutputs;
  postProcess: PostProcess;
  onProgress?: ProgressListener;
}

export interface ExtractResult {
  nfsroot?: string;
  cgz?: string;
  tarball?: string;
  kernel?: string;
  initrd?: string;
  modulesCgz?: string;
  kernelVersion?: string;
  packageCount?: number;
  os: { type: string; distro: string; version: string; product?: string };
  /** Entries read from the guest. */
  files: number;
  /** Regular-file bytes read from the guest. */
  bytes: number;
}
