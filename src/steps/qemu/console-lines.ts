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

// An escape sequence, or one character. Cursor addressing (CUP "ESC [ row ; col H", VPA "ESC [ row d")
// moves to another screen row: full-screen programs (debian-installer's dialogs) draw row after row that
// way instead of with newlines.
// eslint-disable-next-line no-control-regex
const screenToken = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[^[()]|[\s\S]/g;
// eslint-disable-next-line no-control-regex
const rowMove = /^\x1b\[[0-9;]*[Hfd]$/;

/**
 * Reads what a terminal would show as rows of text: a cursor move to another row starts a new line, and
 * characters drawn in the DEC line-drawing set (selected by ESC ( 0 until ESC ( B, or by SO until SI) are
 * dropped, since dialog frames would otherwise read "lqqqk" and "x". Keeps the character set across lines.
 */
class ScreenText {
  private drawing = false;

  rows(line: string): string[] {
    const rows = [""];
    for (const [token] of line.matchAll(screenToken)) {
      if (token === "\x1b(0" || token === "\x0e") this.drawing = true;
      else if (token === "\x1b(B" || token === "\x0f") this.drawing = false;
      else if (rowMove.test(token)) rows.push("");
      else if (!this.drawing || token.startsWith("\x1b")) rows[rows.length - 1] += token;
    }
    return rows;
  }
}

/**
 * Turns a serial console byte stream, arriving in arbitrary chunks, into clean lines. A line ends at
 * LF, CR or CRLF (a lone CR redraws a progress line in place, so each redraw is a line of its own); lines
 * empty after cleaning are dropped. UTF-8 characters split across chunks are reassembled.
 */
export class ConsoleLineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private readonly screen = new ScreenText();
  private partial = "";

  /** Feeds a chunk; returns the lines it completed. */
  push(chunk: Buffer | string): string[] {
    const text = this.partial + (typeof chunk === "string" ? chunk : this.decoder.write(chunk));
    const pieces = text.split(/\r\n|\r|\n/);
    this.partial = pieces.pop() ?? "";
    // A CR at the very end may be the first half of a CRLF: the LF then ends an empty line, dropped below.
    return this.clean(pieces);
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
    return this.clean([rest]);
  }

  private clean(lines: string[]): string[] {
    return lines
      .flatMap((line) => this.screen.rows(line))
      .map(cleanConsoleText)
      .filter((line) => line.trim().length > 0);
  }
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
