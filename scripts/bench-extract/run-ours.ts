// Runs our extract in its own process so the benchmark can read this process's peak RSS alone
// (children — qemu, bsdtar, pigz — are measured separately).
import { extract } from "../../src/steps/extract/index.js";
import { benchPostProcess } from "./bench-post-process.js";

const [disk = "", outDir = ""] = process.argv.slice(2);
const started = performance.now();
const result = await extract({
  disk,
  format: "qcow2",
  outDir,
  outputs: {
    nfsroot: true,
    cgz: { enabled: true, compression: "gzip" },
    tarball: { enabled: false, compression: "gzip" },
    kernel: false,
    splitModules: false,
  },
  postProcess: benchPostProcess,
});
const seconds = (performance.now() - started) / 1000;
const usage = process.resourceUsage();
const node = {
  userSeconds: usage.userCPUTime / 1e6,
  systemSeconds: usage.systemCPUTime / 1e6,
  maxRssKiB: usage.maxRSS,
};
console.log(JSON.stringify({ seconds, node, result }));
