// Benchmark: N RootfsBuilds that all hit the catalog, on a local apiserver. Measures the time until all
// are Succeeded, the operator's peak RSS, and the apiserver's requests per build; and the operator's
// start-up, process start to /readyz OK, on an empty cluster and again with the N builds in it.
// Usage: npm run bench:catalog [-- N] [--start-rounds R] [--operator path/to/dist/src/cli/main.js]
// (--operator times another build of the operator, e.g. a checkout of an older commit, for before/after.)
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { installCrds, startControlPlane, type ControlPlane } from "../test/harness/control-plane.js";
import { rootfsBuild } from "../test/helpers/builds.js";
import { repoRoot } from "../test/helpers/paths.js";
import { readyImageFor } from "./bench-catalog/catalog-entry.js";
import { requestCounts } from "./bench-catalog/apiserver-metrics.js";
import { startToReady, type StartTimes } from "../test/helpers/start-to-ready.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "start-rounds": { type: "string", default: "5" }, operator: { type: "string" } },
});
const count = Number(positionals[0] ?? 1000);
const startRounds = Number(values["start-rounds"]);
const mainJs = path.resolve(values.operator ?? path.join(repoRoot, "dist/src/cli/main.js"));
const cp = await startControlPlane();
try {
  await installCrds(cp, [path.join(repoRoot, "crds")]);
  await cp.kubectl(["create", "namespace", "rootfs-system"], { check: true });
  const emptyStart = await startToReady(mainJs, cp.kubeconfigPath, startRounds);
  report(`start to /readyz OK, empty cluster (${mainJs})`, emptyStart);
  if (count > 0) {
    await catalogBuilds(cp, mainJs, count);
    report(
      `start to /readyz OK, ${count} builds in the cluster`,
      await startToReady(mainJs, cp.kubeconfigPath, startRounds),
    );
  }
} finally {
  await cp.stop();
}

function report(what: string, times: StartTimes): void {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  console.log(`${what}:`);
  console.log(
    `  median ${median(times.readyMs).toFixed(0)} ms (target < 1000 ms), runs ${ms(times.readyMs)} ms; operator CPU median ${median(times.cpuMs).toFixed(0)} ms; load average ${load}`,
  );
}

/** Applies `count` builds that all hit the catalog and reports how the operator copes. */
async function catalogBuilds(cp: ControlPlane, mainJs: string, count: number): Promise<void> {
  const template = rootfsBuild("bench");
  await cp.kubectl(["apply", "--server-side", "-f", "-"], {
    stdin: stringify(await readyImageFor(template)),
    check: true,
  });

  const operator = spawn(
    process.execPath,
    [
      mainJs,
      "operator",
      "--backend",
      "local",
      "--kubeconfig",
      cp.kubeconfigPath,
      "--health-address",
      "127.0.0.1:0",
      "--workers",
      "8",
    ],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, LOG_LEVEL: "warn" } },
  );
  const peakRss = () =>
    readFile(`/proc/${operator.pid}/status`, "utf8").then(
      (s) => Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) * 1024,
    );

  const before = await requestCounts(cp);
  const manifests = Array.from({ length: count }, (_, i) =>
    stringify({ ...template, metadata: { name: `bench-${i}` } }),
  );
  const started = Date.now();
  await cp.kubectl(["apply", "--server-side", "-f", "-"], {
    stdin: manifests.join("---\n"),
    check: true,
    timeoutMs: 600_000,
  });
  const created = Date.now();
  for (;;) {
    const phases = (
      await cp.kubectl(["get", "rootfsbuilds", "-o", "jsonpath={.items[*].status.phase}"], { check: true })
    ).stdout;
    const done = phases.split(" ").filter((p) => p === "Succeeded").length;
    if (done >= count) break;
    if (Date.now() - started > 600_000) throw new Error(`only ${done}/${count} Succeeded after 10 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const finished = Date.now();
  await new Promise((r) => setTimeout(r, 2000));
  const after = await requestCounts(cp);
  const rss = await peakRss();
  operator.kill("SIGTERM");
  await new Promise((resolve) => operator.once("exit", resolve));

  const writes = after.writes - before.writes - count;
  const reads = after.reads - before.reads;
  console.log(`builds:                 ${count}`);
  console.log(`apply of all builds:    ${((created - started) / 1000).toFixed(1)} s`);
  console.log(`all Succeeded after:    ${((finished - started) / 1000).toFixed(1)} s (target < 60 s)`);
  console.log(`operator peak RSS:      ${(rss / 2 ** 20).toFixed(0)} MiB (target < 200 MiB)`);
  console.log(
    `operator writes/build:  ${(writes / count).toFixed(2)} (target <= 4; the benchmark's own creates excluded)`,
  );
  console.log(`reads/build (all):      ${(reads / count).toFixed(2)} (includes this script's polling)`);
}
