// A scripted stand-in for KubeClient's list/watch, for informer and controller unit tests.

import type { ListOptions, ListResult, WatchEvent, WatchOptions } from "../../../src/runtime/kube-client.js";
import type { ListerWatcher } from "../../../src/runtime/informer.js";
import type { KubeObject, ResourceRef } from "../../../src/runtime/kube-object.js";

export type WatchScript = (opts: WatchOptions, emit: (e: WatchEvent) => void) => Promise<void>;

export const configMapRef: ResourceRef = {
  group: "",
  version: "v1",
  plural: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
};

export function cm(name: string, resourceVersion: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", resourceVersion }, data };
}

/** Each list()/watch() call consumes the next scripted answer; once a script runs out, watches block until aborted. */
export class FakeApi implements ListerWatcher {
  readonly listCalls: ListOptions[] = [];
  readonly watchCalls: WatchOptions[] = [];

  constructor(
    private readonly lists: (ListResult<KubeObject> | Error)[],
    private readonly watches: WatchScript[],
  ) {}

  list<T extends KubeObject>(_ref: ResourceRef, opts: ListOptions = {}): Promise<ListResult<T>> {
    this.listCalls.push(opts);
    const next = this.lists.shift();
    if (next === undefined) return Promise.reject(new Error("unexpected list"));
    if (next instanceof Error) return Promise.reject(next);
    return Promise.resolve(structuredClone(next) as ListResult<T>);
  }

  watch(_ref: ResourceRef, opts: WatchOptions, onEvent: (e: WatchEvent) => void): Promise<void> {
    this.watchCalls.push(opts);
    const script = this.watches.shift() ?? blockUntilAborted;
    return script(opts, onEvent);
  }
}

export const blockUntilAborted: WatchScript = (opts) =>
  new Promise((resolve) => {
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener("abort", () => resolve(), { once: true });
  });

export async function eventually(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
