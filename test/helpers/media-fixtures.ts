// ISOs the remaster step must refuse (UnsupportedMedia), built from the fixture boot menus: a live image, a
// Debian installer given as openEuler, and an installer without its kernel. Plus the build files that ask
// for each and a writer for them.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { buildFixtureIso, isoFixture, type IsoFixture } from "./iso-fixtures.js";
import { rootfsBuild, set, withDistro } from "./builds.js";

/** Fedora Workstation Live: lorax's menus filled in as livemedia-creator does, root=live: and rd.live.image. */
const live: IsoFixture = {
  ...isoFixture("fedora-42-x86_64"),
  name: "fedora-42-workstation-live",
  label: "Fedora-WS-Live-42",
  vars: {
    ...isoFixture("fedora-42-x86_64").vars,
    "@ISOLABEL@": "Fedora-WS-Live-42",
    "@ROOT@": "root=live:CDLABEL=Fedora-WS-Live-42 rd.live.image",
  },
  bootFiles: [...isoFixture("fedora-42-x86_64").bootFiles, "LiveOS/squashfs.img"],
};

/** An openEuler installer ISO whose kernel and initrd are missing. */
const kernelless: IsoFixture = {
  ...isoFixture("openeuler-24.03-x86_64"),
  name: "openeuler-no-kernel",
  bootFiles: [],
};

export interface RefusedMedia {
  name: string;
  fixture: IsoFixture;
  /** What spec.os says the ISO installs. */
  os: [distro: string, release: string];
  /** What the refusal must say. */
  message: RegExp;
}

export const refusedMedia: RefusedMedia[] = [
  {
    name: "live",
    fixture: live,
    os: ["fedora", "42"],
    message:
      /is a live image \(boot argument root=live:CDLABEL=Fedora-WS-Live-42.*use the fedora 42 dvd installer ISO/s,
  },
  {
    name: "wrong-family",
    fixture: isoFixture("debian-12-amd64"),
    os: ["openeuler", "24.03-LTS"],
    message:
      /is a debian-installer \(preseed\) ISO \(install\.amd\/vmlinuz\), but spec\.os says openeuler 24\.03-LTS/,
  },
  {
    name: "kernel-less",
    fixture: kernelless,
    os: ["openeuler", "24.03-LTS"],
    message: /has no kernel and initrd \(looked for images\/pxeboot\/vmlinuz and initrd\.img\)/,
  },
];

/** Builds the case's ISO in `dir` and a RootfsBuild file that names it (file://, no checksum). */
export async function refusedMediaFiles(
  media: RefusedMedia,
  dir: string,
): Promise<{ iso: string; buildFile: string }> {
  const iso = await buildFixtureIso(media.fixture, dir);
  const build = rootfsBuild(
    `refused-${media.name}`,
    withDistro(...media.os),
    set("spec.source.iso", { url: `file://${iso}`, insecureSkipChecksum: true }),
  );
  const buildFile = path.join(dir, `${media.name}.yaml`);
  await writeFile(buildFile, stringify(build));
  return { iso, buildFile };
}
