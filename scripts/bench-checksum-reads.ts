// Benchmark: how often the operator reads a running build's checksum file. N builds, each with a
// checksum file of its own on a loopback server whose ISO drips forever (so every build stays running,
// reconciled over and over), watched for a while: the target is one read per build, when its
// generation starts, and none after until a refresh is due.
// Usage: npm run bench:checksum-reads [-- N SECONDS]
import { mkdtemp, rm } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import { installCrds, startControlPlane } from "../test/harness/control-plane.js";
import { rootfsBuild, set } from "../test/helpers/builds.js";
import { startServer } from "../test/helpers/http-server.js";
import { startOperatorProcess } from "../test/helpers/operator-process.js";
import { repoRoot } from "../test/helpers/paths.js";

const count = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 120);
const digest = (i: number) => (0xc5 * 100_000 + i).toString(16).padStart(64, "0");

const reads = new Map<number, number[]>();
/** A GiB announced, a byte every 10 s: never a stall, never the end. */
function drip(res: ServerResponse): void {
  res.writeHead(200, { "content-length": String(2 ** 30) });
  const timer = setInterval(() => res.write("x"), 10_000);
  res.on("close", () => clearInterval(timer));
}

const server = await startServer((req, res) => {
  const sums = /^\/(\d+)\.sha256sum$/.exec(req.url ?? "");
  if (!sums) return drip(res); // the ISO: it never finishes, so every build stays running
  const i = Number(sums[1]);
  reads.set(i, [...(reads.get(i) ?? []), Date.now()]);
  res.writeHead(200).end(`${digest(i)}  ${i}.iso\n`);
});
const scratch = await mkdtemp(path.join(tmpdir(), "bench-checksum-"));
const cp = await startControlPlane();
try {
  await installCrds(cp, [path.join(repoRoot, "crds")]);
  await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
  const operator = await startOperatorProcess({
    kubeconfig: cp.kubeconfigPath,
    storageDir: path.join(scratch, "storage"),
    cacheDir: path.join(scratch, "cache"),
    logFile: path.join(scratch, "operator.log"),
  });
  const manifests = Array.from({ length: count }, (_, i) =>
    rootfsBuild(
      `reads-${i}`,
      set("spec.source.iso", { url: `${server.url}/${i}.iso`, checksumURL: `${server.url}/${i}.sha256sum` }),
    ),
  );
  const applied = Date.now();
  await cp.kubectl(["apply", "--server-side", "-f", "-"], {
    stdin: manifests.map((m) => stringify(m)).join("---\n"),
    check: true,
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const jsonpath =
    '{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\t"}{.status.conditions[0].message}{"\\n"}{end}';
  const rows = (
    await cp.kubectl(["get", "rootfsbuilds", "-o", `jsonpath=${jsonpath}`], { check: true })
  ).stdout
    .trim()
    .split("\n")
    .map((line) => line.split("\t"));
  const phases = rows.map(([, phase]) => phase ?? "");
  for (const [name, phase, message] of rows)
    if (phase === "Failed") console.log(`${name} failed: ${message}`);
  await operator.stop();

  const all = [...reads.values()].flat();
  const first = [...reads.values()].map((times) => times[0] ?? applied);
  const later = all.length - first.length;
  const perBuildHour = later / count / ((Date.now() - Math.max(...first)) / 3_600_000);
  console.log(`builds:                          ${count}, watched ${seconds} s`);
  const byPhase = new Map<string, number>();
  for (const p of phases) byPhase.set(p || "(none)", (byPhase.get(p || "(none)") ?? 0) + 1);
  console.log(`phases at the end:               ${[...byPhase].map(([p, n]) => `${n} ${p}`).join(", ")}`);
  console.log(`checksum reads, first:           ${first.length} (one per build)`);
  console.log(
    `checksum reads after the first:  ${later} (${perBuildHour.toFixed(2)} per running build per hour; target 0)`,
  );
  process.exitCode = first.length === count && later === 0 ? 0 : 1;
} finally {
  await cp.stop();
  await server.close();
  await rm(scratch, { recursive: true, force: true });
}
