// Decodes a watch response: one JSON event per line; a line that does not parse, or a handler that
// throws, ends the stream with an error, and a stream silent for idleMs ends it too.
//
// Instead of client-node's Watch. In 1.4.0 one catch skips undecodable lines and also swallows what
// the callback throws (kubernetes-client/javascript#593, #856; 2.0.0 still does), so an informer
// would miss the event without knowing. Its 30 s timeout signal is overwritten before use (#2665),
// leaving TCP keep-alive, which sees a dead peer but not a connection that stopped carrying events
// (#2432); 2.0.0 applies the timer, but it aborts every watch 30 s after it opens (#3020), made an
// inactivity timer by #3022 after 2.0.0. Going back needs a release with #3022 whose Watch reports
// bad lines instead of skipping them.

import type { IncomingMessage } from "node:http";
import type { KubeObject } from "./kube-object.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** A metav1.Status, as carried by ERROR events. */
export interface Status {
  kind?: "Status";
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export type WatchEvent =
  | { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: KubeObject }
  | { type: "ERROR"; object: Status };

/**
 * Feeds each decoded event to `onEvent` until the stream ends, `signal`
 * aborts, or nothing arrives for `idleMs`. Resolves in all three cases; a
 * broken connection or undecodable line rejects.
 */
export function watchStream(
  res: IncomingMessage,
  onEvent: (e: WatchEvent) => void,
  opts: { signal: AbortSignal; idleMs?: number | undefined },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      opts.signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      else reject(err);
    };
    const armIdle = () => {
      if (opts.idleMs === undefined) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        res.destroy();
        finish();
      }, opts.idleMs);
    };
    const onAbort = () => {
      res.destroy();
      finish();
    };
    if (opts.signal.aborted) return onAbort();
    opts.signal.addEventListener("abort", onAbort, { once: true });
    armIdle();

    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      armIdle();
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          res.destroy();
          return finish(new Error(`watch: undecodable event line: ${line.slice(0, 200)}`));
        }
        try {
          onEvent(event);
        } catch (err) {
          res.destroy();
          return finish(err instanceof Error ? err : new Error(`watch: event handler threw ${typeof err}`));
        }
      }
    });
    res.on("end", () => finish());
    res.on("error", (err) => finish(opts.signal.aborted ? undefined : err));
    res.on("close", () =>
      finish(
        opts.signal.aborted || res.complete ? undefined : new Error("watch: connection closed mid-stream"),
      ),
    );
  });
}
