import type { KubeObject, ResourceRef } from "../../runtime/index.js";

/** What act() does for a decision; each action is idempotent, so repeating a pass is harmless. */
export type Action =
  /** Create from a builder; AlreadyExists means a previous pass (or process) made it: adopt it. */
  | { kind: "create"; ref: ResourceRef; object: KubeObject }
  /** Append this build as a non-controller owner of a shared child, under its own field manager. */
  | { kind: "addOwner"; ref: ResourceRef; object: KubeObject }
  /** Drop this build's owner reference from a shared child; delete the child if no build owns it any more. */
  | { kind: "release"; ref: ResourceRef; object: KubeObject }
  /** Delete (the very object observed: uid precondition; dependents in the background). */
  | { kind: "delete"; ref: ResourceRef; object: KubeObject }
  /** Record a timed-out install on the target PVC, which outlives the deleted VM. */
  | { kind: "markInstallTimedOut"; targetPvc: KubeObject; message: string };

export function describeAction(action: Action): string {
  const object = action.kind === "markInstallTimedOut" ? action.targetPvc : action.object;
  const what = `${object.kind ?? "object"} ${object.metadata.namespace}/${object.metadata.name}`;
  switch (action.kind) {
    case "create":
      return `Created ${what}`;
    case "addOwner":
      return `Became an owner of ${what}`;
    case "release":
      return `Released ${what}`;
    case "delete":
      return `Deleted ${what}`;
    case "markInstallTimedOut":
      return `Marked the install on ${what} as timed out`;
  }
}
