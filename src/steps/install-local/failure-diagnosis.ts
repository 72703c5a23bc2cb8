// Why an install failed, from its console lines: the same reading for the local install step (lines as
// they arrive) and the KubeVirt backend (the log's tail after the VM stopped).

/**
 * A console line that means the install failed; `pattern` is a RegExp source tested against one line. A
 * `refinable` signature matches a dialog's title, whose body follows: a more specific signature matching a
 * later line gives the reason instead. A reason may name the pattern's groups as $<name>.
 */
export interface FailureSignature {
  pattern: string;
  reason: string;
  refinable?: boolean;
}

export interface Diagnosis {
  reason: string;
  /** Index of the first line that matched a signature: where the failure shows. */
  line: number;
}

interface Compiled {
  regex: RegExp;
  signature: FailureSignature;
}

export class FailureDiagnoser {
  private readonly signatures: Compiled[];
  private readonly noise: RegExp[];

  /** Throws when a pattern is not a valid RegExp. */
  constructor(signatures: readonly FailureSignature[], noise: readonly string[] = []) {
    this.signatures = signatures.map((signature) => ({
      regex: compilePattern(signature.pattern),
      signature,
    }));
    this.noise = noise.map(compilePattern);
  }

  /** Whether the line is screen decoration (a status bar, key help) rather than output. */
  isNoise(line: string): boolean {
    return this.noise.some((regex) => regex.test(line));
  }

  /** Whether a signature matches this one line. */
  matches(line: string): boolean {
    return this.signatures.some(({ regex }) => regex.test(line));
  }

  /**
   * The first line a signature matches, and its reason. When that signature is refinable (a dialog title),
   * the first later line that a non-refinable signature matches gives the reason instead.
   */
  diagnose(lines: readonly string[]): Diagnosis | undefined {
    const first = this.firstMatch(lines, 0, () => true);
    if (!first) return undefined;
    const refined = first.compiled.signature.refinable
      ? this.firstMatch(lines, first.line + 1, (c) => !c.signature.refinable)
      : undefined;
    const { compiled, match } = refined ?? first;
    return { reason: reasonWith(compiled.signature.reason, match), line: first.line };
  }

  /** The lines worth showing a person: without noise, with screen padding (runs of blanks) squeezed. */
  readable(lines: readonly string[]): string[] {
    return lines
      .filter((line) => !this.isNoise(line))
      .map((line) =>
        line
          .trimEnd()
          .replace(/^\s{5,}/, "    ")
          .replace(/(\S)\s{3,}(?=\S)/g, "$1 "),
      );
  }

  private firstMatch(lines: readonly string[], from: number, eligible: (c: Compiled) => boolean) {
    for (let line = from; line < lines.length; line++) {
      const text = lines[line] ?? "";
      if (this.isNoise(text)) continue;
      for (const compiled of this.signatures.filter(eligible)) {
        const match = compiled.regex.exec(text);
        if (match) return { line, compiled, match };
      }
    }
    return undefined;
  }
}

function reasonWith(reason: string, match: RegExpExecArray): string {
  return reason.replace(/\$<(\w+)>/g, (_, name: string) => match.groups?.[name] ?? "?");
}

export function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(
      `Invalid console pattern ${JSON.stringify(pattern)}: ${(err as Error).message}; fix the installer profile`,
    );
  }
}
