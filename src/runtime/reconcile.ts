// The contract between the runtime and a reconciler (controller-runtime's pkg/reconcile).

import type { Logger } from "./logger.js";

/** What to do with the key after a successful reconcile; undefined means "done until something changes". */
export type Result = { requeueAfterMs?: number; requeue?: boolean } | undefined;

export interface ReconcileContext {
  /** Child logger with controller, namespace, name and reconcileID bound. */
  log: Logger;
  reconcileID: string;
  /** Aborted when this replica must stop writing (lost leadership) or the shutdown grace period ran out. */
  signal: AbortSignal;
}

export interface Reconciler {
  /** Converges the object named by `key` ("namespace/name" or "name") toward its spec. */
  reconcile(key: string, ctx: ReconcileContext): Promise<Result>;
}

/** An error that retrying will not fix: logged and counted, the key is not requeued. */
export class TerminalError extends Error {
  override name = "TerminalError";
}

export function isTerminalError(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof TerminalError) return true;
  }
  return false;
}

export function requeueAfter(ms: number): Result {
  return { requeueAfterMs: ms };
}

/** The sooner of two results (e.g. the status harness's and a sub-step's). */
export function soonest(a: Result, b: Result): Result {
  if (a?.requeue || b?.requeue) return { requeue: true };
  const times = [a?.requeueAfterMs, b?.requeueAfterMs].filter((t): t is number => t !== undefined && t > 0);
  return times.length > 0 ? { requeueAfterMs: Math.min(...times) } : undefined;
}
