import type { PostProcess } from "../../src/steps/extract/index.js";

/** What both benchmarks ask post-processing to do: every rewrite on, as compass-ci's builds do. */
export const benchPostProcess: PostProcess = {
  commentFstab: true,
  disableSelinux: true,
  emptyMachineId: true,
  sshHostKeys: "remove",
  rootPassword: { kind: "locked" },
};
