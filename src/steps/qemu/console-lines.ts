import { StringDecoder } from "node:string_decoder";

// CSI sequences (colours, cursor moves), OSC sequences (titles), charset selection and other two-byte escapes.
const ansiEscape =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[@-Z\x5c-\x5f78=>c]/g;
// Other control characters, except tab.
// eslint-disable-next-line no-control-regex
const controlChar = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Removes terminal escape sequences and control characters, leaving the text a person would read. */
export function cleanConsoleText(line: string): string {
  return line.replace(ansiEscape, "").replace(controlChar, "").trimEnd();
}

/**
 * Turns a serial console byte stream, arriving in arbitrary chunks, into clean lines. A line ends at
 * LF, CR or CRLF (a lone CR redraws a progress line in place, so each redraw is a line of its own); lines
 * empty after cleaning are dropped. UTF-8 characters split across chunks are reassembled.
 */
export class ConsoleLineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    const pieces = text.split(/\r\n|\r|\n/);
    this.partial = pieces.pop() ?? "";
    // A CR at the very end may be the first half of a CRLF: the LF then ends an empty line, dropped below.
    return clean(pieces);
  }

  /** Whether text without a line end is waiting. */
  get hasPartial(): boolean {
    return this.partial.length > 0;
  }

  /**
   * Ends the pending partial line, e.g. a prompt that waits for input and never gets its newline, or the
   * last output before the VM stopped.
   */
  flush(): string[] {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    return clean([rest]);
  }
}

function clean(lines: string[]): string[] {
  return lines.map(cleanConsoleText).filter((line) => line.trim().length > 0);
}

/** The last `capacity` lines seen, oldest first. */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly capacity: number) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  snapshot(): string[] {
    return [...this.lines];
  }

  text(): string {
    return this.lines.join("\n");
  }
}
