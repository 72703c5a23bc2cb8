import type { ProgressEvent } from "../plan/progress.js";
import { formatBytes } from "../api/quantity.js";

/**
 * Renders progress events for a person: on a terminal, one line rewritten in place per step;
 * elsewhere (CI logs), a line per message and a byte line at most every `plainIntervalMs`.
 */
export class ProgressPrinter {
  private lastPlainBytes = 0;
  private inPlace = false;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly plainIntervalMs = 5000,
  ) {}

  readonly listener = (event: ProgressEvent): void => {
    const line = describe(event);
    if (this.out.isTTY && event.kind === "bytes") {
      this.out.write(`\r\x1b[2K${line}`);
      this.inPlace = true;
      return;
    }
    if (event.kind === "bytes") {
      const now = Date.now();
      const finished = event.total !== undefined && event.done >= event.total;
      if (!finished && now - this.lastPlainBytes < this.plainIntervalMs) return;
      this.lastPlainBytes = now;
    }
    this.endInPlace();
    this.out.write(`${line}\n`);
  };

  /** Prints a line of its own (step boundaries, results), after any in-place progress line. */
  say(text: string): void {
    this.endInPlace();
    this.out.write(`${text}\n`);
  }

  private endInPlace(): void {
    if (!this.inPlace) return;
    this.out.write("\n");
    this.inPlace = false;
  }
}

export function describe(event: ProgressEvent): string {
  if (event.kind === "message") {
    return `[${event.step}] ${event.percent === undefined ? "" : `${event.percent}% `}${event.text}`;
  }
  const rate = `${formatBytes(Math.round(event.bytesPerSecond))}/s`;
  if (event.total === undefined) return `[${event.step}] ${formatBytes(event.done)} ${rate}`;
  const percent = event.total === 0 ? 100 : Math.floor((event.done / event.total) * 100);
  const eta = event.etaSeconds === undefined ? "" : ` ETA ${formatEta(event.etaSeconds)}`;
  return `[${event.step}] ${percent}% ${formatBytes(event.done)}/${formatBytes(event.total)} ${rate}${eta}`;
}

function formatEta(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}
