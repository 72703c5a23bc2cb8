// Every distro menu from the fixtures, patched: checked entry by entry and against snapshots.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { BootMenuOptions, PatchedConfig } from "../../../src/iso/boot-menu.js";
import { SERIAL_CONSOLES } from "../../../src/iso/boot-menu.js";
import { formatBootConfigChanges } from "../../../src/iso/change-report.js";
import { patchGrubConfig } from "../../../src/iso/patch-grub.js";
import { patchIsolinuxConfigs } from "../../../src/iso/patch-isolinux.js";
import type { IsoFixture } from "../../helpers/iso-fixtures.js";
import { ISO_FIXTURES, kernelArgsFor, renderBootConfigs } from "../../helpers/iso-fixtures.js";
import { assertMatchesSnapshot } from "./snapshot.js";

function optionsFor(fixture: IsoFixture): BootMenuOptions {
  return { kernelArgs: kernelArgsFor(fixture.family), serialConsole: SERIAL_CONSOLES[fixture.arch] };
}

function patchFixture(fixture: IsoFixture): PatchedConfig[] {
  const configs = [...renderBootConfigs(fixture)].map(([file, text]) => ({ file, text }));
  const isolinux = configs.filter((c) => c.file.startsWith("isolinux/"));
  const grub = configs.filter((c) => !c.file.startsWith("isolinux/"));
  return [
    ...(isolinux.length > 0 ? patchIsolinuxConfigs(isolinux, optionsFor(fixture)) : []),
    ...grub.map((c) => patchGrubConfig(c.file, c.text, optionsFor(fixture))),
  ];
}

/** Words of a kernel line as the kernel sees them (our args contain no spaces, so quotes just go). */
function words(line: string): string[] {
  return line
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^"(.*)"$/, "$1"));
}

function assertInstallerArgs(where: string, line: string, fixture: IsoFixture): void {
  const all = words(line);
  const separator = all.indexOf("---");
  const installer = separator === -1 ? all : all.slice(0, separator);
  const expected = [...kernelArgsFor(fixture.family), `console=${SERIAL_CONSOLES[fixture.arch]}`];
  for (const arg of expected) {
    assert.equal(all.filter((w) => w === arg).length, 1, `${where}: ${arg} should appear once in: ${line}`);
    assert.ok(installer.includes(arg), `${where}: ${arg} should come before ---: ${line}`);
  }
  assert.ok(!all.includes("rd.live.check"), `${where}: rd.live.check left in: ${line}`);
  const stage2 = /inst\.stage2=hd:LABEL=\S+/.exec(fixture.vars["@ROOT@"] ?? "")?.[0];
  if (stage2) assert.ok(all.includes(stage2), `${where}: ${stage2} lost: ${line}`);
}

function checkGrub(config: PatchedConfig, fixture: IsoFixture): void {
  const topLevel: string[] = [];
  let depth = 0;
  for (const line of config.text.split("\n")) {
    const trimmed = line.trim();
    const item = /^(menuentry|submenu)\s.*?(['"])(.*?)\2.*\{$/.exec(trimmed);
    if (item && depth === 0) topLevel.push(item[3] ?? "");
    if (trimmed.endsWith("{")) depth++;
    if (trimmed === "}") depth--;
    if (/^(linux|linuxefi)\s/.test(trimmed)) assertInstallerArgs(config.file, trimmed, fixture);
  }
  const defaults = config.text.match(/^\s*set default=.*$/gm) ?? [];
  assert.equal(defaults.length, 1, `${config.file}: one set default`);
  const index = Number(/"?(\d+)"?\s*$/.exec(defaults[0] ?? "")?.[1]);
  assert.equal(topLevel[index], fixture.install.grub, `${config.file}: default points at the install entry`);
  const timeouts = config.text.match(/^\s*set timeout=.*$/gm) ?? [];
  assert.ok(
    timeouts.length > 0 && timeouts.every((t) => t.trim() === "set timeout=1"),
    `${config.file}: timeout 1`,
  );
}

function checkIsolinux(configs: PatchedConfig[], fixture: IsoFixture): void {
  const defaults: string[] = [];
  for (const config of configs) {
    let title = "";
    let kernel = "";
    for (const line of config.text.split("\n")) {
      const [keyword = "", ...rest] = line.trim().split(/\s+/);
      const directive =
        keyword.toLowerCase() === "menu" ? `menu ${rest.shift() ?? ""}` : keyword.toLowerCase();
      if (directive === "label") [title, kernel] = [rest.join(" "), ""];
      if (directive === "menu label") title = rest.join(" ").replace(/\^/g, "");
      if (directive === "kernel") kernel = rest[0] ?? "";
      if (directive === "menu default") defaults.push(title);
      if (directive === "timeout") assert.equal(rest[0], "10", `${config.file}: timeout 10 (tenths)`);
      if (directive === "append" && !/memtest/.test(kernel))
        assertInstallerArgs(`${config.file} ${title}`, rest.join(" "), fixture);
    }
  }
  assert.deepEqual(defaults, [fixture.install.isolinux], "exactly the install entry is `menu default`");
}

for (const fixture of ISO_FIXTURES) {
  describe(`patching ${fixture.name}`, () => {
    const patched = patchFixture(fixture);

    test("every kernel entry gets the args once, before ---, without rd.live.check", () => {
      for (const config of patched.filter((c) => !c.file.startsWith("isolinux/"))) checkGrub(config, fixture);
      const isolinux = patched.filter((c) => c.file.startsWith("isolinux/"));
      if (fixture.install.isolinux) checkIsolinux(isolinux, fixture);
    });

    test("the change list names every kernel entry", () => {
      for (const config of patched) {
        const kernelLines = config.text.match(/^\s*(linux|linuxefi|append)\s/gim) ?? [];
        assert.equal(
          config.change.entries.length,
          kernelLines.length,
          `${config.file}: one change per kernel entry`,
        );
      }
    });

    test("patching again changes nothing", () => {
      const again = patched.filter((c) => !c.file.startsWith("isolinux/"));
      for (const config of again) {
        assert.equal(
          patchGrubConfig(config.file, config.text, optionsFor(fixture)).changed,
          false,
          config.file,
        );
      }
      const isolinux = patched.filter((c) => c.file.startsWith("isolinux/"));
      if (isolinux.length > 0) {
        assert.ok(patchIsolinuxConfigs(isolinux, optionsFor(fixture)).every((c) => !c.changed));
      }
    });

    test("matches the snapshots", () => {
      for (const config of patched.filter((c) => c.changed)) {
        assertMatchesSnapshot(`${fixture.name}/${config.file.split("/").join("__")}`, config.text);
      }
      const report = formatBootConfigChanges(patched.map((c) => c.change)).join("\n");
      assertMatchesSnapshot(`${fixture.name}/changes.txt`, `${report}\n`);
    });
  });
}
