// bench:pack's report: medians and spreads over rounds, ratios to the compression floor, targets.
import type { Measurement } from "./contenders.js";

export type Rounds = Record<string, (Measurement & { load: number[] })[]>;

export const packTargets = { cgzOnly: 1.1, fullFanOut: 1.3, size: 1.01, rssMiB: 300 };

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** "1.23× (1.20–1.31)": the median of per-round ratios and their range. */
export function ratioText(ratios: number[]): string {
  if (ratios.length === 0) return "-";
  const spread =
    ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : "";
  return `${median(ratios).toFixed(2)}×${spread}`;
}

/** Per round, `name`'s seconds (or CPU seconds) over the floor's (rounds pair up by index: they were interleaved). */
export function ratios(
  rounds: Rounds,
  name: string,
  floor: string,
  key: "seconds" | "cpuSeconds" = "seconds",
): number[] {
  const a = rounds[name] ?? [];
  const b = rounds[floor] ?? [];
  return a.slice(0, b.length).map((m, i) => m[key] / (b[i]?.[key] ?? NaN));
}

const mib = (bytes: number) => bytes / 1024 ** 2;
const verdict = (ok: boolean) => (ok ? "OK" : "MISSED");

export function packReport(rounds: Rounds, tarBytes: number, describe: Record<string, string>): string[] {
  const lines: string[] = [];
  const n = Math.max(...Object.values(rounds).map((r) => r.length));
  const loads = Object.values(rounds).flatMap((r) => r.map((m) => m.load[0] ?? 0));
  lines.push(
    `Recorded tar ${mib(tarBytes).toFixed(0)} MiB, ${n} interleaved round(s); 1-min load average during the runs ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
  );
  lines.push(
    "| contender | wall s (median) | × pigz -6 alone (median, range) | MB/s | CPU s | CPU × pigz -6 alone | largest RSS MiB |",
    "|---|---|---|---|---|---|---|",
  );
  for (const [name, runs] of Object.entries(rounds)) {
    const seconds = median(runs.map((m) => m.seconds));
    const rss = Math.max(
      ...runs.flatMap((m) => [m.node?.maxRssKiB ?? 0, ...m.processes.map((p) => p.maxRssKiB)]),
    );
    lines.push(
      `| ${describe[name] ?? name} | ${seconds.toFixed(1)} | ${ratioText(ratios(rounds, name, "pigz-6"))} | ${(tarBytes / 1e6 / seconds).toFixed(0)} | ${median(runs.map((m) => m.cpuSeconds)).toFixed(1)} | ${ratioText(ratios(rounds, name, "pigz-6", "cpuSeconds"))} | ${(rss / 1024).toFixed(0)} |`,
    );
  }
  const fanOuts = Object.keys(rounds).filter((name) => name.startsWith("ours") || name === "compass-ci");
  lines.push(
    "",
    ...targetLines(rounds),
    "",
    ...processLines(rounds, fanOuts, describe),
    "",
    ...compressionLines(rounds),
  );
  return lines;
}

function targetLines(rounds: Rounds): string[] {
  const lines: string[] = [];
  const check = (label: string, name: string, target: number) => {
    const r = ratios(rounds, name, "pigz-6");
    if (r.length === 0) return;
    lines.push(
      `${label}: ${ratioText(r)} pigz -6 alone (target ≤ ${target})  ${verdict(median(r) <= target)}`,
    );
  };
  check("cgz alone", "ours-cgz", packTargets.cgzOnly);
  check("full fan-out (nfsroot + cgz + tarball)", "ours-full", packTargets.fullFanOut);
  check("nfsroot + cgz", "ours-nfsroot-cgz", packTargets.fullFanOut);
  const ours = median((rounds["ours-cgz"] ?? []).map((m) => m.outputBytes ?? NaN));
  const gzip9 = median((rounds["compass-ci"] ?? []).map((m) => m.outputBytes ?? NaN));
  if (ours && gzip9) {
    const size = ours / gzip9;
    lines.push(
      `cgz size: ours ${mib(ours).toFixed(1)} MiB ÷ gzip -9 ${mib(gzip9).toFixed(1)} MiB = ${size.toFixed(4)} (target ≤ ${packTargets.size})  ${verdict(size <= packTargets.size)}`,
    );
  }
  const nodeRss = Object.values(rounds).flatMap((r) => r.map((m) => (m.node?.maxRssKiB ?? 0) / 1024));
  const rss = Math.max(...nodeRss);
  if (rss > 0)
    lines.push(
      `our Node process peak RSS: ${rss.toFixed(0)} MiB (target ≤ ${packTargets.rssMiB})  ${verdict(rss <= packTargets.rssMiB)}`,
    );
  return lines;
}

/** CPU seconds per process of the contenders `names`, medians over rounds. */
export function processLines(rounds: Rounds, names: string[], describe: Record<string, string>): string[] {
  const lines = ["CPU per process (median over rounds; user + system s, peak RSS MiB):"];
  for (const name of names) {
    const runs = rounds[name] ?? [];
    const perProcess = new Map<string, { cpu: number[]; rss: number[] }>();
    const add = (key: string, cpu: number, rssKiB: number) => {
      const entry = perProcess.get(key) ?? { cpu: [], rss: [] };
      entry.cpu.push(cpu);
      entry.rss.push(rssKiB / 1024);
      perProcess.set(key, entry);
    };
    for (const m of runs) {
      if (m.node)
        add(
          "node (tar reader, post-processing, newc/tar writers)",
          m.node.userSeconds + m.node.systemSeconds,
          m.node.maxRssKiB,
        );
      for (const p of m.processes)
        add(`${p.program} → ${p.output}`, p.userSeconds + p.systemSeconds, p.maxRssKiB);
    }
    const parts = [...perProcess].map(
      ([key, v]) => `${key} ${median(v.cpu).toFixed(1)} s / ${Math.max(...v.rss).toFixed(0)} MiB`,
    );
    lines.push(`  ${describe[name] ?? name}: ${parts.join("; ")}`);
  }
  return lines;
}

function compressionLines(rounds: Rounds): string[] {
  const size = (name: string) => median((rounds[name] ?? []).map((m) => m.outputBytes ?? NaN));
  const cpu = (name: string) => median((rounds[name] ?? []).map((m) => m.cpuSeconds));
  const unpack = (name: string) => median((rounds[name] ?? []).map((m) => m.decompressCpuSeconds ?? NaN));
  return [
    "Compression (output MiB, CPU s to make, CPU s to decompress):",
    `  tar → pigz -6 ${mib(size("pigz-6")).toFixed(1)} MiB, ${cpu("pigz-6").toFixed(1)} s; tar → zstd -3 ${mib(size("zstd-3")).toFixed(1)} MiB, ${cpu("zstd-3").toFixed(1)} s`,
    `  cgz gzip (pigz -6) ${mib(size("ours-cgz")).toFixed(1)} MiB, ${cpu("ours-cgz").toFixed(1)} s, unpack ${unpack("ours-cgz").toFixed(1)} s; cgz zstd (-9) ${mib(size("ours-cgz-zstd")).toFixed(1)} MiB, ${cpu("ours-cgz-zstd").toFixed(1)} s, unpack ${unpack("ours-cgz-zstd").toFixed(1)} s`,
  ];
}
