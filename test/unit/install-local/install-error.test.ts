import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import {
  formatDuration,
  installError,
  type InstallObservation,
} from "../../../src/steps/install-local/install-error.js";

const poweredOff: InstallObservation = {
  vm: {
    exit: { code: 0, signal: null },
    shutdownReason: "guest-shutdown",
    stderr: "",
    lastLines: ["a", "b"],
  },
  expectsSuccessMarker: true,
  sawSuccessMarker: true,
  timeoutMs: 3_600_000,
  consoleLog: "/builds/b/console.log",
};
const killed = { code: null, signal: "SIGKILL" as const };

function failure(seen: InstallObservation): StepFailure {
  const error = installError(seen);
  assert.ok(error instanceof StepFailure, `expected a StepFailure, got ${String(error)}`);
  return error;
}

describe("installError", () => {
  test("a poweroff after the success marker is success", () => {
    assert.equal(installError(poweredOff), undefined);
    assert.equal(
      installError({ ...poweredOff, expectsSuccessMarker: false, sawSuccessMarker: false }),
      undefined,
    );
    // Without a QMP reason, a clean exit counts as a poweroff.
    assert.equal(
      installError({ ...poweredOff, vm: { ...poweredOff.vm, shutdownReason: undefined } }),
      undefined,
    );
  });

  test("a failure signature wins, with its excerpt and the log path", () => {
    const error = failure({
      ...poweredOff,
      vm: { ...poweredOff.vm, exit: killed, stoppedBy: "caller", shutdownReason: undefined },
      failure: {
        reason: "anaconda crashed",
        excerpt: ["Traceback (most recent call last):", "ValueError"],
      },
    });
    assert.equal(error.reason, "InstallFailed");
    assert.equal(
      error.message,
      "Installer failed: anaconda crashed; the console showed:\nTraceback (most recent call last):\nValueError\n" +
        "Full console log: /builds/b/console.log",
    );
  });

  test("a timeout names the limit and the last lines", () => {
    const error = failure({ ...poweredOff, vm: { ...poweredOff.vm, exit: killed, stoppedBy: "timeout" } });
    assert.equal(error.reason, "InstallTimeout");
    assert.equal(
      error.message,
      "The install ran longer than 1h; the last console lines were:\na\nb\n" +
        "Raise spec.install.timeout or check the log: /builds/b/console.log",
    );
  });

  test("an abort is an AbortError, not a build failure", () => {
    const error = installError({ ...poweredOff, vm: { ...poweredOff.vm, exit: killed, stoppedBy: "abort" } });
    assert.equal(error?.name, "AbortError");
    assert.ok(!(error instanceof StepFailure));
  });

  test("a reboot fails even though qemu exited cleanly", () => {
    const error = failure({ ...poweredOff, vm: { ...poweredOff.vm, shutdownReason: "guest-reset" } });
    assert.match(error.message, /^Installer failed: the installer rebooted instead of powering off/);
  });

  test("qemu failing to start shows its stderr", () => {
    const error = failure({
      ...poweredOff,
      vm: { exit: { code: 1, signal: null }, stderr: "qemu: could not open disk", lastLines: [] },
    });
    assert.match(
      error.message,
      /^qemu could not run the install VM \(exit status 1\): qemu: could not open disk;/,
    );
  });

  test("a poweroff without the success marker fails", () => {
    const error = failure({ ...poweredOff, sawSuccessMarker: false });
    assert.match(error.message, /^Installer failed: the installer powered off without reporting success/);
  });

  test("a guest panic reported by qemu fails", () => {
    const error = failure({ ...poweredOff, vm: { ...poweredOff.vm, shutdownReason: "guest-panic" } });
    assert.match(error.message, /the VM stopped \(guest-panic\) instead of powering off/);
  });
});

test("formatDuration", () => {
  assert.deepEqual([25_000, 90_000, 600_000, 3_600_000, 5_400_000].map(formatDuration), [
    "25s",
    "1m30s",
    "10m",
    "1h",
    "1h30m",
  ]);
});
