import type { Readable } from "node:stream";
import { ConsoleLineSplitter } from "./console-lines.js";

/** A prompt waiting for input never gets its newline; after this much quiet it is taken as a line. */
const partialLineIdleMs = 1000;

/**
 * Reads a serial console stream live and calls `onLine` for each clean line. Resolves when the stream
 * ends, after handing over the last partial line.
 */
export function readConsoleLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  const splitter = new ConsoleLineSplitter();
  let idle: NodeJS.Timeout | undefined;
  const deliver = (lines: string[]) => {
    for (const line of lines) onLine(line);
  };
  return new Promise((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      clearTimeout(idle);
      deliver(splitter.push(chunk));
      if (splitter.hasPartial) idle = setTimeout(() => deliver(splitter.flush()), partialLineIdleMs);
    });
    stream.on("close", () => {
      clearTimeout(idle);
      deliver(splitter.flush());
      resolve();
    });
  });
}
