import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { InstallConsoleWatcher } from "../../../src/steps/install-local/console-watcher.js";
import type { InstallMonitor } from "../../../src/steps/install-local/types.js";

const monitor: InstallMonitor = {
  successMarker: "ROOTFS-INSTALL-FINISHED",
  failureSignatures: [
    { pattern: "^(?!.*IGNORED).*Traceback \\(", reason: "anaconda crashed with a Python traceback" },
    { pattern: "Kernel panic - not syncing", reason: "the installer's kernel panicked" },
  ],
  progressPatterns: [
    { pattern: "Configuring storage", percent: 2 },
    { pattern: "Installing (?<what>\\S+) \\((?<done>\\d+)/(?<total>\\d+)\\)" },
    { pattern: "Starting package installation" },
  ],
};

describe("InstallConsoleWatcher", () => {
  test("turns progress lines into events, with percent from done/total or the milestone", () => {
    const watcher = new InstallConsoleWatcher(monitor);
    assert.deepEqual(watcher.accept("Configuring storage"), {
      kind: "progress",
      text: "Configuring storage",
      percent: 2,
    });
    assert.deepEqual(watcher.accept("Starting package installation process"), {
      kind: "progress",
      text: "Starting package installation process",
    });
    assert.deepEqual(watcher.accept("  Installing bash-5.1.8-6.el9.x86_64 (12/156)"), {
      kind: "progress",
      text: "Installing bash-5.1.8-6.el9.x86_64 (12/156)",
      percent: 7,
    });
    assert.equal(watcher.accept("random noise"), undefined);
  });

  test("remembers the first failure with the lines before and after it", () => {
    const watcher = new InstallConsoleWatcher(monitor);
    for (let i = 1; i <= 15; i++) watcher.accept(`line ${i}`);
    assert.deepEqual(watcher.accept("Traceback (most recent call last):"), {
      kind: "failure",
      reason: "anaconda crashed with a Python traceback",
    });
    assert.equal(watcher.failureContextComplete, false);
    watcher.accept('  File "x.py", line 1');
    watcher.accept("Kernel panic - not syncing: later");
    watcher.accept("ValueError: boom");
    const failure = watcher.failure;
    assert.equal(failure?.reason, "anaconda crashed with a Python traceback");
    assert.deepEqual(failure?.excerpt, [
      ...Array.from({ length: 10 }, (_, i) => `line ${i + 6}`),
      "Traceback (most recent call last):",
      '  File "x.py", line 1',
      "Kernel panic - not syncing: later",
      "ValueError: boom",
    ]);
  });

  test("collects at most 20 lines after the failure", () => {
    const watcher = new InstallConsoleWatcher(monitor);
    watcher.accept("Traceback (most recent call last):");
    for (let i = 1; i <= 25; i++) watcher.accept(`after ${i}`);
    assert.equal(watcher.failureContextComplete, true);
    assert.equal(watcher.failure?.excerpt.length, 21);
    assert.equal(watcher.failure?.excerpt.at(-1), "after 20");
  });

  test("honours a negative lookahead such as lorax's IGNORED", () => {
    const watcher = new InstallConsoleWatcher(monitor);
    assert.equal(watcher.accept("IGNORED: Traceback (most recent call last):"), undefined);
    assert.equal(watcher.failure, undefined);
  });

  test("notices the success marker", () => {
    const watcher = new InstallConsoleWatcher(monitor);
    assert.equal(watcher.sawSuccessMarker, false);
    assert.deepEqual(watcher.accept("%post: ROOTFS-INSTALL-FINISHED"), { kind: "success" });
    assert.equal(watcher.sawSuccessMarker, true);
  });

  test("rejects a pattern that is not a valid RegExp, naming it", () => {
    assert.throws(
      () =>
        new InstallConsoleWatcher({
          failureSignatures: [{ pattern: "Traceback (", reason: "x" }],
          progressPatterns: [],
        }),
      /^Error: Invalid console pattern "Traceback \(": .*; fix the installer profile$/,
    );
  });
});
