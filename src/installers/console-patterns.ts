// Shapes shared by the per-installer console vocabularies.

/** A console line that means the install failed; `pattern` is a RegExp source tested against one line. */
export interface FailureSignature {
  pattern: string;
  reason: string;
}

/** Coarse stages every installer goes through, in order. */
export type InstallStage = "storage" | "packages" | "bootloader" | "configuration" | "post-install";

/**
 * A console line that shows progress. When the pattern has named groups `done` and `total`, they count
 * packages within the stage.
 */
export interface ProgressPattern {
  pattern: string;
  stage: InstallStage;
}

/** Escapes a literal for use inside a RegExp source. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
