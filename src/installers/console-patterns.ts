// Shapes shared by the per-installer console vocabularies.

/**
 * A console line that means the install failed; `pattern` is a RegExp source tested against one line. A
 * `refinable` signature matches a dialog's title, whose body follows: a more specific signature matching a
 * later line gives the reason instead (steps/install-local/failure-diagnosis.ts). A reason may name the
 * pattern's groups as $<name>.
 */
export interface FailureSignature {
  pattern: string;
  reason: string;
  refinable?: boolean;
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
