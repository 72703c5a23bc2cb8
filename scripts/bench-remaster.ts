// Times remasterIso on a 4 GiB ISO against copying the same file with cp.
// Usage: npm run build && node dist/scripts/bench-remaster.js [work dir]   (needs ~12 GiB free there)
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { remasterIso } from "../src/iso/remaster.js";
import { buildFixtureIso, isoFixture } from "../test/helpers/iso-fixtures.js";

const run = promisify(execFile);
const PAYLOAD_BYTES = 4 * 1024 ** 3;

async function timed(label: string, action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label.padEnd(36)} ${seconds.toFixed(2)} s`);
  return seconds;
}

async function diskUsage(path: string): Promise<string> {
  const info = await stat(path);
  return `${(info.size / 1024 ** 3).toFixed(2)} GiB apparent, ${((info.blocks * 512) / 1024 ** 3).toFixed(2)} GiB on disk`;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(process.argv[2] ?? tmpdir(), "rootfs-bench-"));
  try {
    const fixture = isoFixture("openeuler-24.03-x86_64");
    const small = await buildFixtureIso(fixture, dir);
    const payload = join(dir, "payload.bin");
    await run("truncate", ["-s", String(PAYLOAD_BYTES), payload]);
    const input = join(dir, "input-4g.iso");
    // The payload stands in for install.img / the package repository of a DVD.
    await timed("setup: 4 GiB ISO via xorriso", () =>
      run("xorriso", [
        "-indev",
        small,
        "-outdev",
        input,
        "-compliance",
        "no_emul_toc",
        "-boot_image",
        "any",
        "replay",
        "-map",
        payload,
        "/images/install.img",
      ]),
    );
    await run("fallocate", ["--dig-holes", input]);
    console.log(`input ISO: ${await diskUsage(input)}`);

    const ks = join(dir, "ks.cfg");
    await writeFile(ks, "text\n");
    const remastered = join(dir, "remastered.iso");
    const remaster = await timed("remasterIso", () =>
      remasterIso({
        input,
        output: remastered,
        kernelArgs: ["inst.ks=hd:LABEL=OEMDRV:/ks.cfg"],
        serialConsole: "ttyS0,115200",
        addFiles: [{ isoPath: "/ks.cfg", localPath: ks }],
      }),
    );
    console.log(`remastered ISO: ${await diskUsage(remastered)}`);
    const cp = await timed("cp (sparse-aware, default)", () => run("cp", [input, join(dir, "copy.iso")]));
    await rm(join(dir, "copy.iso"));
    const cpDense = await timed("cp --sparse=never (writes every byte)", () =>
      run("cp", ["--sparse=never", input, join(dir, "copy-dense.iso")]),
    );
    console.log(
      `remasterIso / cp: ${(remaster / cp).toFixed(1)}x; remasterIso / dense cp: ${(remaster / cpDense).toFixed(1)}x`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
