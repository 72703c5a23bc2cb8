import { invalidSpec } from "./errors.js";

// openEuler names releases "24.03-LTS-SP1" (ISO file names) or "24.03 LTS SP1" (docs); both are accepted
// and folded into the ISO spelling.

type LtsLine = "20.03" | "22.03" | "24.03";
type InnovationLine = "25.03" | "25.09";
export type OpenEulerLine = LtsLine | InnovationLine;

/** Highest service pack per LTS line that this code knows of. */
const lastServicePack: Record<LtsLine, number> = { "20.03": 4, "22.03": 4, "24.03": 3 };
const innovationLines: readonly InnovationLine[] = ["25.03", "25.09"];

export interface OpenEulerRelease {
  line: OpenEulerLine;
  /** e.g. "22.03-LTS-SP4", "25.09". */
  canonical: string;
}

/** Every release this code installs, spelled as its ISO names it: 20.03-LTS, 20.03-LTS-SP1, …, 25.09. */
export function openEulerReleases(): string[] {
  const lts = Object.entries(lastServicePack).flatMap(([line, sp]) => [
    `${line}-LTS`,
    ...Array.from({ length: sp }, (_, i) => `${line}-LTS-SP${i + 1}`),
  ]);
  return [...lts, ...innovationLines];
}

/**
 * The releases as a pattern over the lower-cased release field (which has no spaces): JavaScript and RE2
 * (CEL) read it alike, and it accepts exactly what parseOpenEulerRelease accepts there.
 */
export function openEulerReleasePattern(): string {
  const sep = "(-|_+)";
  const dotted = (line: string) => line.replace(".", "\\.");
  const lts = Object.entries(lastServicePack).map(
    ([line, sp]) => `${dotted(line)}(${sep}lts)?(${sep}sp0*[0-${sp}])?`,
  );
  return `^(${[...lts, ...innovationLines.map(dotted)].join("|")})$`;
}

export function supportedOpenEulerReleases(): string[] {
  const lts = Object.entries(lastServicePack).map(([line, sp]) => `${line}-LTS (and -SP1 to -SP${sp})`);
  return [...lts, ...innovationLines];
}

export function parseOpenEulerRelease(release: string): OpenEulerRelease {
  const spelled = release
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/g, "-");
  const match = /^(\d{2}\.\d{2})(-LTS)?(?:-SP(\d+))?$/.exec(spelled);
  const line = match?.[1];
  if (match && line !== undefined) {
    if (isLtsLine(line)) {
      const sp = match[3] === undefined ? 0 : Number(match[3]);
      if (sp <= lastServicePack[line]) {
        return { line, canonical: sp === 0 ? `${line}-LTS` : `${line}-LTS-SP${sp}` };
      }
    } else if (isInnovationLine(line) && match[2] === undefined && match[3] === undefined) {
      return { line, canonical: line };
    }
  }
  throw invalidSpec(
    `Unsupported openEuler release "${release}". Supported: ${supportedOpenEulerReleases().join(", ")}. ` +
      `Set the release to one of these, spelled like the ISO, e.g. 24.03-LTS-SP1.`,
  );
}

function isLtsLine(line: string): line is LtsLine {
  return Object.hasOwn(lastServicePack, line);
}

function isInnovationLine(line: string): line is InnovationLine {
  return (innovationLines as readonly string[]).includes(line);
}
