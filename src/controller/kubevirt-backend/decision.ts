// The vocabulary decide() answers in: a state to report and the actions that move the build on.
import type { FailureReason } from "../../api/reasons.js";
import type { StepName } from "../../api/rootfsbuild.js";
import type { KubeObject, ResourceRef } from "../../runtime/index.js";
import type { BackendState } from "../backend.js";
import type { Action } from "./actions.js";
import { asKubeObject, type ChildObject } from "./observed.js";

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
