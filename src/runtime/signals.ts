// SIGTERM/SIGINT → graceful Manager.stop(); a second signal exits at once.

import type { Logger } from "./logger.js";

interface Stoppable {
  stop(): Promise<void>;
  readonly log: Logger;
}

/**
 * On the first SIGTERM or SIGINT stops `manager` gracefully, then exits the
 * process (0, or 1 if stopping failed) unless `exit` is false. A second
 * signal exits with 1 immediately. Returns a function that removes the handlers.
 */
export function installSignalHandlers(manager: Stoppable, opts: { exit?: boolean } = {}): () => void {
  const exit = opts.exit ?? true;
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      manager.log.warn({ signal }, "Received a second signal; exited without waiting");
      process.exit(1);
    }
    received = true;
    manager.log.info({ signal }, "Received signal; began graceful shutdown");
    manager.stop().then(
      () => {
        if (exit) process.exit(0);
      },
      (err: unknown) => {
        manager.log.error({ err }, "Graceful shutdown failed");
        if (exit) process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
