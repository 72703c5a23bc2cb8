// The extract step's fan-out, fed from a recorded tar stream instead of guestfish, in its own process
// so that its CPU time and peak RSS are its own (its children are measured through PATH shims).
// Usage: node run-fan-out.js TAR LINKS_JSON OUT_DIR NFSROOT(0|1) CGZ(gzip|zstd|none|off) TARBALL(…|off)
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { ByteProgress } from "../../src/plan/progress.js";
import { ByteReader } from "../../src/steps/extract/byte-reader.js";
import { openSinks } from "../../src/steps/extract/open-sinks.js";
import { outputPaths } from "../../src/steps/extract/output-layout.js";
import { streamEntries } from "../../src/steps/extract/single-pass.js";
import { TarReader } from "../../src/steps/extract/tar-reader.js";
import type { Compression, ExtractOutputs } from "../../src/steps/extract/types.js";
import { benchPostProcess } from "../bench-extract/bench-post-process.js";

const [tar = "", links = "", outDir = "", nfsroot = "1", cgz = "gzip", tarball = "off"] =
  process.argv.slice(2);
const output = (value: string) =>
  value === "off"
    ? { enabled: false, compression: "gzip" as const }
    : { enabled: true, compression: value as Compression };
const outputs: ExtractOutputs = {
  nfsroot: nfsroot === "1",
  cgz: output(cgz),
  tarball: output(tarball),
  kernel: false,
  splitModules: false,
};
const linkCounts = new Map(JSON.parse(await readFile(links, "utf8")) as [string, number][]);

const started = performance.now();
// A pipe from another process, as guestfish's stdout is in the extract step.
const source = spawn("cat", [tar], { stdio: ["ignore", "pipe", "inherit"] });
const paths = outputPaths(outDir, outputs, undefined);
const sinks = await openSinks({ outputs, paths, linkCounts });
const reader = new TarReader(ByteReader.from(source.stdout));
const stats = await streamEntries(
  reader,
  sinks,
  benchPostProcess,
  new ByteProgress("extract", undefined, undefined),
);
await Promise.all(sinks.map((sink) => sink.finish()));
const seconds = (performance.now() - started) / 1000;
const usage = process.resourceUsage();
console.log(
  JSON.stringify({
    seconds,
    files: stats.files,
    bytes: stats.bytes,
    paths,
    node: {
      userSeconds: usage.userCPUTime / 1e6,
      systemSeconds: usage.systemCPUTime / 1e6,
      maxRssKiB: usage.maxRSS,
    },
  }),
);
