import type { FailureReason } from "./status-reasons.js";

/**
 * A step failed for a reason no retry will fix. `reason` is one of the documented failure reasons,
 * and the message says what to do about it.
 */
export class StepFailure extends Error {
  override name = "StepFailure";
  constructor(
    readonly reason: FailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
