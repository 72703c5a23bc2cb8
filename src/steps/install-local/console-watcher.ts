import { RecentLines } from "../qemu/console-lines.js";
import type { InstallMonitor } from "./types.js";

/** What one console line means for the install. */
export type LineMeaning =
  | { kind: "progress"; text: string; percent?: number }
  | { kind: "failure"; description: string }
  | { kind: "success" };

export interface InstallFailureSeen {
  description: string;
  /** The matching line with the lines before it and, as they arrive, after it. */
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
 * surrounding lines (a traceback's exception comes after the "Traceback (" line), and whether the success
 * marker appeared.
 */
export class InstallConsoleWatcher {
  private readonly failures: Compiled<{ description: string }>[];
  private readonly progress: Compiled<{ percent?: number; upTo?: number }>[];
  private readonly success?: RegExp;
  private readonly recent = new RecentLines(linesBefore);
  private failureSeen?: InstallFailureSeen;
  private linesSinceFailure = 0;
  private successSeen = false;
  private highestPercent = 0;

  /** Throws when a pattern is not a valid RegExp. */
  constructor(monitor: InstallMonitor) {
    this.failures = monitor.failureSignatures.map((s) => ({ regex: compile(s.pattern), source: s }));
    this.progress = monitor.progressPatterns.map((p) => ({ regex: compile(p.pattern), source: p }));
    if (monitor.successMarker !== undefined) this.success = compile(monitor.successMarker);
  }

  accept(line: string): LineMeaning | undefined {
    if (this.failureSeen) {
      if (this.linesSinceFailure < linesAfter) {
        this.failureSeen.excerpt.push(line);
        this.linesSinceFailure++;
      }
      return undefined;
    }
    const meaning = this.meaningOf(line);
    if (meaning?.kind === "failure") {
      this.failureSeen = { description: meaning.description, excerpt: [...this.recent.snapshot(), line] };
    }
    if (meaning?.kind === "success") this.successSeen = true;
    this.recent.add(line);
    return meaning;
  }

  get failure(): InstallFailureSeen | undefined {
    return this.failureSeen;
  }

  /** True once the lines after a failure have all been collected. */
  get failureContextComplete(): boolean {
    return this.failureSeen !== undefined && this.linesSinceFailure >= linesAfter;
  }

  get sawSuccessMarker(): boolean {
    return this.successSeen;
  }

  private meaningOf(line: string): LineMeaning | undefined {
    const failure = this.failures.find((f) => f.regex.test(line));
    if (failure) return { kind: "failure", description: failure.source.description };
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

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(
      `Invalid console pattern ${JSON.stringify(pattern)}: ${(err as Error).message}; fix the installer profile`,
    );
  }
}
