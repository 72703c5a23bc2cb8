// JSON logs (pino): level from the option, else $LOG_LEVEL, else "info".

import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Added to every line as "logger". */
  name?: string;
  /** Defaults to stdout. */
  destination?: DestinationStream;
}

const levels = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = (opts.level ?? process.env.LOG_LEVEL ?? "info").toLowerCase();
  if (!levels.includes(level)) {
    throw new Error(`log level "${level}" is unknown: use one of ${levels.join(", ")} (option or LOG_LEVEL)`);
  }
  const options: pino.LoggerOptions = {
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"info" rather than 30: log pipelines and people both read it.
    formatters: { level: (label) => ({ level: label }) },
  };
  if (opts.name) options.name = opts.name;
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that drops everything (defaults for library code and tests). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
