import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { profileFor } from "../../../src/installers/profile-for.js";
import { installMonitorFor } from "../../../src/pipeline/install-monitor.js";
import { InstallConsoleWatcher } from "../../../src/steps/install-local/console-watcher.js";
import { ConsoleLineSplitter } from "../../../src/steps/qemu/console-lines.js";
import { repoRoot } from "../../helpers/paths.js";

// Real debian-installer consoles (test/fixtures/consoles/debian-installer/README.md), replayed through the
// console reader and the install watcher as the local install step reads them, in uneven chunks.

const fixtures = path.join(repoRoot, "test", "fixtures", "consoles", "debian-installer");

function replay(file: string) {
  const watcher = new InstallConsoleWatcher(installMonitorFor(profileFor("debian", "12", "x86_64")));
  const splitter = new ConsoleLineSplitter();
  const bytes = readFileSync(path.join(fixtures, file));
  for (let at = 0, size = 1; at < bytes.length; at += size, size = (size * 7 + 13) % 4093) {
    for (const line of splitter.push(bytes.subarray(at, at + size))) watcher.accept(line);
  }
  for (const line of splitter.flush()) watcher.accept(line);
  const failure = watcher.failure;
  assert.ok(failure, `${file}: no failure seen`);
  return failure;
}

const noise = /lqqq|qqqk|^\s*x\s|\(1\*installer\)|<Tab> moves/;

describe("recorded debian-installer consoles end in their specific reason", () => {
  const cases = [
    {
      file: "no-network-interface.log",
      reason: /found no network interface, but the preseed configures the network/,
      shown: ["[!] Configure the network", "No network interfaces detected"],
    },
    {
      file: "preseed-not-found.log",
      reason: /could not load the preseed file; a netboot or mini\.iso installer has no \/cdrom/,
      shown: ["[!!] Load debconf preconfiguration file", "file:///cdrom/preseed.cfg"],
    },
    {
      file: "name-server-question.log",
      reason: /asks for name servers: DHCP gave none and the preseed does not answer netcfg\/get_nameservers/,
      shown: ["[!!] Configure the network", "Name server addresses:"],
    },
    {
      file: "back-at-main-menu.log",
      reason: /an install step failed and debian-installer went back to its main menu/,
      shown: ["Starting up the partitioner", "[!!] Debian installer main menu"],
    },
  ];
  for (const { file, reason, shown } of cases) {
    test(file, () => {
      const failure = replay(file);
      assert.match(failure.reason, reason);
      const excerpt = failure.excerpt.join("\n");
      for (const text of shown) assert.ok(excerpt.includes(text), `${text} not in:\n${excerpt}`);
      assert.doesNotMatch(excerpt, noise, "screen drawing and status bars stay out of the excerpt");
    });
  }
});
