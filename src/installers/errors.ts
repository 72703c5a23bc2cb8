import type { FailureReason } from "../reasons/status-reasons.js";

/**
 * The request cannot be turned into an answer file as written: retrying will not help. `reason` is the
 * build failure reason to report, and the message says what to change.
 */
export class InstallerInputError extends Error {
  override name = "InstallerInputError";
  constructor(
    readonly reason: Extract<FailureReason, "InvalidSpec" | "AnswerFileInvalid">,
    message: string,
  ) {
    super(message);
  }
}

export function invalidSpec(message: string): InstallerInputError {
  return new InstallerInputError("InvalidSpec", message);
}

export function invalidAnswerFile(message: string): InstallerInputError {
  return new InstallerInputError("AnswerFileInvalid", message);
}
