import type { Condition } from "../api/common.js";
import { kubeTime } from "../runtime/kube-time.js";

export type ConditionType = "Succeeded" | "Ready";
export type ConditionStatus = Condition["status"];

/**
 * Sets a condition the way apimachinery's meta.SetStatusCondition does: `lastTransitionTime` moves
 * only when the status flips; reason, message and observedGeneration are always updated.
 */
export function setCondition(
  conditions: Condition[],
  update: { type: ConditionType; status: ConditionStatus; reason: string; message: string },
  generation: number,
  now: Date,
): Condition[] {
  const existing = conditions.find((c) => c.type === update.type);
  const lastTransitionTime =
    existing && existing.status === update.status ? existing.lastTransitionTime : kubeTime(now);
  const next: Condition = { ...update, observedGeneration: generation, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === update.type ? next : c)) : [...conditions, next];
}

export function findCondition(
  conditions: Condition[] | undefined,
  type: ConditionType,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
