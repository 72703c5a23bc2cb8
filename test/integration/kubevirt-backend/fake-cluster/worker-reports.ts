// What the fake workers report in their termination messages (src/api/worker-contract.ts).

/** How a worker Job's Pod ended; a failure is the init container's (the prepare Job's fetch) unless `failed: "main"`. */
export type WorkerExit = { exitCode: number; message?: string; failed?: "init" | "main" };

/** What the worker writes when it succeeds or fails (src/api/worker-contract.ts). */
export const workerFailure = (reason: string, message: string): WorkerExit => ({
  exitCode: 1,
  message: JSON.stringify({ reason, message }),
});
/** A time a worker reports, `seconds` after the fake workers' common start. */
export const workerTime = (seconds: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, seconds)).toISOString();

export const prepareSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    volumeId: "openEuler-24.03-LTS-x86_64",
    steps: [{ name: "remaster", startTime: workerTime(1), completionTime: workerTime(2) }],
  }),
};
/** What `rootfs worker install` writes once the installer powered off. */
export const installSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    accel: "tcg",
    steps: [{ name: "install", startTime: workerTime(2), completionTime: workerTime(3) }],
  }),
};
/** The extract result: PVC locations relative to the worker's --out, storage left to the backend. */
export const extractSucceeded: WorkerExit = {
  exitCode: 0,
  message: JSON.stringify({
    artifacts: [
      { kind: "cgz", location: "rootfs.cgz", size: 300_000_000, sha256: "c".repeat(64) },
      { kind: "kernel", location: "vmlinuz", size: 12_000_000, sha256: "d".repeat(64) },
    ],
    kernelVersion: "6.6.0-28.0.0.34.oe2403.x86_64",
    packageCount: 412,
  }),
};
