import type { AnswerPlan } from "./answer-plan.js";

/** What a build's identity is made of, resolved without downloading the ISO. */
export interface BuildInputs {
  key: string;
  /** The URL the source is downloaded from. */
  sourceURL: string;
  /** sha256 of the source, or of its URL for a source accepted without a checksum. */
  sourceSHA256: string;
  /**
   * "sha256:<hex>" the source must have: every later step verifies against this literal, never against
   * a checksum file read again. Undefined only for insecureSkipChecksum sources.
   */
  pinnedChecksum?: string;
  plan?: AnswerPlan;
}
