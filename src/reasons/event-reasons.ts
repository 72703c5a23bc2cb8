import type { FailureReason } from "./status-reasons.js";

// The reasons of the Events the operator records on a RootfsBuild, one documented line each. A failed
// build's Warning Event carries its failure reason (status-reasons.ts) as the Event's reason.

export const eventReasons = {
  Built: "Normal: the build published its outputs; the message names the catalog entry.",
  Rekeyed:
    "Normal: the build key changed (a new spec, or a refreshed checksum file named a new ISO); the build started over.",
  Pruned:
    "Normal (Warning if some artifacts were left): a catalog entry older than spec.refresh.keep was deleted, with its artifacts.",
  PruneFailed:
    "Warning: pruning old catalog entries failed; the message says why. The next refresh tries again.",
} as const;

export type EventReason = keyof typeof eventReasons | FailureReason;
