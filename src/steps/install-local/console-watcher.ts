import { RecentLines } from "../qemu/console-lines.js";
import { compilePattern as compile, FailureDiagnoser } from "./failure-diagnosis.js";
import type { InstallMonitor } from "./types.js";

/** What one console line means for the install. */
export type LineMeaning =
  | { kind: "progress"; text: string; percent?: number }
  | { kind: "failure"; reason: string }
  | { kind: "success" };

export interface InstallFailureSeen {
  reason: string;
  /** The matching line with the lines before it and, as they arrive, after it; screen noise left out. */
  excerpt: string[];
}

interface Compiled<T> {
  regex: RegExp;
  source: T;
}

const linesBefore = 10;
const linesAfter = 20;
const maxTextLength = 200;

/**
 * Reads the install console line by line: reports progress, remembers the first failure with its
 * surrounding lines (a traceback's exception, a dialog's body, come after the line that shows the failure,
 * and may refine its reason), and whether the success marker appeared. Screen noise is skipped.
 */
export class InstallConsoleWatcher {
  private readonly diagnoser: FailureDiagnoser;
  private readonly progress: Compiled<{ percent?: number; upTo?: number }>[];
  private readonly success?: RegExp;
  private readonly recent = new RecentLines(linesBefore);
  private failureLines?: { before: string[]; from: string[] };
  private successSeen = false;
  private highestPercent = 0;

  /** Throws when a pattern is not a valid RegExp. */
  constructor(monitor: InstallMonitor) {
    this.diagnoser = new FailureDiagnoser(monitor.failureSignatures, monitor.noisePatterns);
    this.progress = monitor.progressPatterns.map((p) => ({ regex: compile(p.pattern), source: p }));
    if (monitor.successMarker !== undefined) this.success = compile(monitor.successMarker);
  }

  accept(line: string): LineMeaning | undefined {
    if (this.diagnoser.isNoise(line)) return undefined;
    if (this.failureLines) {
      if (this.failureLines.from.length <= linesAfter) this.failureLines.from.push(line);
      return undefined;
    }
    const meaning = this.meaningOf(line);
    if (meaning?.kind === "failure") this.failureLines = { before: this.recent.snapshot(), from: [line] };
    if (meaning?.kind === "success") this.successSeen = true;
    this.recent.add(line);
    return meaning;
  }

  /** The first failure, its reason read from the lines seen so far from it on. */
  get failure(): InstallFailureSeen | undefined {
    if (!this.failureLines) return undefined;
    const { before, from } = this.failureLines;
    const reason = this.diagnoser.diagnose(from)?.reason ?? "the installer failed";
    return { reason, excerpt: this.diagnoser.readable([...before, ...from]) };
  }

  /** True once the lines after a failure have all been collected. */
  get failureContextComplete(): boolean {
    return this.failureLines !== undefined && this.failureLines.from.length > linesAfter;
  }

  get sawSuccessMarker(): boolean {
    return this.successSeen;
  }

  private meaningOf(line: string): LineMeaning | undefined {
    const failure = this.diagnoser.diagnose([line]);
    if (failure) return { kind: "failure", reason: failure.reason };
    if (this.success?.test(line)) return { kind: "success" };
    for (const { regex, source } of this.progress) {
      const match = regex.exec(line);
      if (!match) continue;
      const found = percentFrom(match.groups, source.percent ?? 0, source.upTo ?? 100) ?? source.percent;
      // Installers repeat stage headings; progress shown to a person never moves backwards.
      const percent =
        found === undefined ? undefined : (this.highestPercent = Math.max(this.highestPercent, found));
      const text = line.trim().slice(0, maxTextLength);
      return percent === undefined ? { kind: "progress", text } : { kind: "progress", text, percent };
    }
    return undefined;
  }
}

/** A count such as "(12/156)" placed between the pattern's `from` and `upTo` percentages. */
function percentFrom(
  groups: Record<string, string | undefined> | undefined,
  from: number,
  upTo: number,
): number | undefined {
  if (groups?.done === undefined || groups.total === undefined) return undefined;
  const done = Number(groups.done);
  const total = Number(groups.total);
  if (!Number.isFinite(done) || !(total > 0)) return undefined;
  const fraction = Math.min(1, Math.max(0, done / total));
  return Math.floor(from + (upTo - from) * fraction);
}
