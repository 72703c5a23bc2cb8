import { createHash } from "node:crypto";
import { bootArgsOf, type AnswerPlan } from "../../plan/answer-plan.js";
import { canonicalJson } from "../../plan/build-key.js";
import { toolVersion } from "../../version.js";

// The ISO's volume id is only known after the download; it is a function of the source ISO, whose
// sha256 is already in the key, so a placeholder stands in for it in the boot arguments.
const isoLabelPlaceholder = "@ISO_VOLUME_ID@";

/**
 * Identifies an unattended ISO the way remasterForPlan() keys its local cache: the source ISO, the boot
 * arguments, and the answer files embedded in the ISO (Debian's preseed). Builds of one ISO and profile
 * share a remaster unless their embedded answers differ.
 */
export function isoKeyFor(sourceSHA256: string, plan: AnswerPlan): string {
  const kernelArgs = bootArgsOf(plan, isoLabelPlaceholder).add;
  const embedded = plan.volume.kind === "embedded" ? plan.answerFile.files : [];
  return createHash("sha256")
    .update(canonicalJson({ tool: toolVersion, iso: sourceSHA256, kernelArgs, embedded }))
    .digest("hex");
}
