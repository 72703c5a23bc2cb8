import assert from "node:assert/strict";
import { test } from "node:test";
import { udevEscape } from "../../../src/installers/udev-escape.js";

const cases: [label: string, escaped: string][] = [
  ["openEuler-24.03-LTS-x86_64", "openEuler-24.03-LTS-x86_64"],
  ["Fedora 42 x86_64", "Fedora\\x2042\\x20x86_64"],
  ["Debian 12.0.0 amd64 n", "Debian\\x2012.0.0\\x20amd64\\x20n"],
  ["a/b;c(d)", "a\\x2fb\\x3bc\\x28d\\x29"],
  ["tab\there", "tab\\x09here"],
  ["back\\slash", "back\\x5cslash"],
  ["keep#+.:=@_-", "keep#+.:=@_-"],
  ["Ünïcode", "Ünïcode"],
];

for (const [label, escaped] of cases) {
  test(`udevEscape(${JSON.stringify(label)}) escapes like lorax's udev_escape`, () => {
    assert.equal(udevEscape(label), escaped);
  });
}
