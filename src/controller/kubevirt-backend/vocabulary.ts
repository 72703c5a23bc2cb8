// The words decide() answers in: a Decision (the state to report and the actions that move the build
// on), and the Actions applyActions() carries out, each idempotent.
import type { KubeObject, ResourceRef } from "../../runtime/index.js";
import type { FailureReason } from "../../reasons/status-reasons.js";
import type { StepName } from "../../api/rootfsbuild.js";
import type { BackendState } from "../backend.js";
import { asKubeObject, type ChildObject } from "./snapshot.js";

/** What applyActions() does for a decision; each action is idempotent, so repeating a pass is harmless. */
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

export interface Decision {
  state: BackendState;
  actions: Action[];
}

export const running = (step: StepName, message: string, ...actions: Action[]): Decision => ({
  state: { kind: "running", step, message },
  actions,
});

/** Blocked on something the user must fix: reported like running, but the build's claim is not renewed. */
export const waiting = (step: StepName, message: string): Decision => ({
  state: { kind: "running", step, message, waiting: true },
  actions: [],
});

export const failed = (reason: FailureReason, message: string, ...actions: Action[]): Decision => ({
  state: { kind: "failed", reason, message },
  actions,
});

export const create = (ref: ResourceRef, child: ChildObject): Action => ({
  kind: "create",
  ref,
  object: asKubeObject(child),
});

/** Adds this build to a shared child's owners. */
export const joinOwners = (ref: ResourceRef, object: KubeObject): Action => ({
  kind: "addOwner",
  ref,
  object,
});

/** Deletes the object unless it is absent or already going. */
export const deleteIfPresent = (ref: ResourceRef, object: KubeObject | undefined): Action[] =>
  object && !object.metadata.deletionTimestamp ? [{ kind: "delete", ref, object }] : [];

/** Releases a shared object this build owns, unless it is already going. */
export const releaseIfOwned = (ref: ResourceRef, object: KubeObject | undefined, uid: string): Action[] =>
  object && ownedBy(object, uid) && !object.metadata.deletionTimestamp
    ? [{ kind: "release", ref, object }]
    : [];

/** Ends a build's tie to its children: its own are deleted, shared ones released. */
export function retire(uid: string, children: { ref: ResourceRef; object: KubeObject }[]): Action[] {
  return children
    .filter(({ object }) => !object.metadata.deletionTimestamp)
    .map(({ ref, object }): Action => {
      const ours = object.metadata.ownerReferences?.find((o) => o.uid === uid);
      return ours?.controller ? { kind: "delete", ref, object } : { kind: "release", ref, object };
    });
}

export function ownedBy(object: KubeObject, uid: string): boolean {
  return object.metadata.ownerReferences?.some((o) => o.uid === uid) ?? false;
}
