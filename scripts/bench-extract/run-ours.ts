// Runs our extract in its own process so the benchmark can read this process's peak RSS alone
// (children — qemu, bsdtar, pigz — are measured separately).
import { extract } from "../../src/steps/extract/index.js";

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
  postProcess: {
    commentFstab: true,
    disableSelinux: true,
    emptyMachineId: true,
    sshHostKeys: "remove",
    rootPassword: { kind: "locked" },
  },
});
const seconds = (performance.now() - started) / 1000;
// maxRSS is in KiB
console.log(JSON.stringify({ seconds, nodeMaxRssKiB: process.resourceUsage().maxRSS, result }));
