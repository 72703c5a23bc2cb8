// The generic controller runtime: import from here or from the individual modules.

export * from "./kube-client.js";
export * from "./informer.js";
export * from "./workqueue.js";
export * from "./controller.js";
export * from "./status.js";
export * from "./finalizers.js";
export * from "./leader-election.js";
export * from "./events.js";
export * from "./metrics.js";
export * from "./health.js";
export * from "./logger.js";
export * from "./manager.js";
export { ItemBackoff } from "./item-backoff.js";
export { jsonEqual } from "./json-equal.js";
export { kubeTime, microTime } from "./kube-time.js";
