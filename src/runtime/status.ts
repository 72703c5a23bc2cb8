// The reconcile harness (STYLE.md pattern 3): fetch, clone, let the reconciler
// change a draft, and PUT /status once, only if the status changed, with the
// fetched resourceVersion as precondition. On 409 the whole pass reruns on a
// fresh copy, so decisions are never made on stale state.

import { isConflict, isNotFound, type KubeClient } from "./kube-client.js";
import { jsonEqual } from "./json-equal.js";
import { splitKey } from "./object-key.js";
import type { Result } from "./reconcile.js";
import type { KubeObject, ResourceRef } from "./kube-object.js";
import { sleep } from "./timing.js";

export interface ReconcileStatusOptions {
  /** Reruns after a 409 before giving up with the Conflict error (default 5). */
  maxConflictRetries?: number;
  fieldManager?: string;
}

/** True when the draft's status would serialise differently from the original's. */
export function statusChanged(original: { status?: unknown }, draft: { status?: unknown }): boolean {
  return !jsonEqual(original.status, draft.status);
}

/**
 * Runs `fn` on a fresh draft of the object named `key` and writes the
 * draft's status if it changed. Only status is written: change metadata
 * through finalizers.ts (which keeps the draft's resourceVersion current) and
 * spec not at all. If `fn` throws, the status it set is still written (so
 * failures are reported) and the error is rethrown. An object that is gone
 * (before or during the pass) ends the pass quietly.
 */
export async function reconcileStatus<T extends KubeObject & { status?: unknown }>(
  client: KubeClient,
  ref: ResourceRef,
  key: string,
  fn: (draft: T, original: Readonly<T>) => Result | Promise<Result>,
  opts: ReconcileStatusOptions = {},
): Promise<Result> {
  const { namespace, name } = splitKey(key);
  const maxRetries = opts.maxConflictRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const original = await client.getOrUndefined<T>(ref, name, namespace);
    if (!original) return undefined;
    const draft = structuredClone(original);
    let result: Result = undefined;
    let failure: { error: unknown } | undefined;
    try {
      result = await fn(draft, original);
    } catch (error) {
      // A write inside fn lost a race (e.g. a finalizer patch): rerun on fresh state, write nothing.
      if (isConflict(error) && attempt < maxRetries) {
        await conflictBackoff(attempt);
        continue;
      }
      failure = { error };
    }
    try {
      if (statusChanged(original, draft)) {
        await client.replace(ref, draft, {
          subresource: "status",
          ...(opts.fieldManager !== undefined && { fieldManager: opts.fieldManager }),
        });
      }
    } catch (err) {
      if (isConflict(err) && attempt < maxRetries) {
        await conflictBackoff(attempt);
        continue;
      }
      if (failure) throw failure.error;
      if (isNotFound(err)) return result;
      throw err;
    }
    if (failure) throw failure.error;
    return result;
  }
}

function conflictBackoff(attempt: number): Promise<void> {
  return sleep(10 * 2 ** attempt * (0.5 + Math.random()));
}
