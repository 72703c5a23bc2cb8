import type { KubeObject, OwnerReference } from "../../runtime/index.js";

// Children are found by name (deterministic) or label, but counted only by ownership: a Job, PVC or VM
// with the right name that the build does not own by uid is someone else's, and a Pod counts only when
// its Job controls it. Owner references to a build carry blockOwnerDeletion, which the
// OwnerReferencesPermissionEnforcement admission plugin lets set only whoever may update the build's
// finalizers: with it on, a tenant who can create Jobs cannot make one that counts (docs/security.md).

/** `owner` controls `object`: same namespace, a controller reference to its uid. */
export function controlledBy(
  object: KubeObject,
  owner: { kind: string; uid?: string; namespace?: string },
): boolean {
  if (!owner.uid || object.metadata.namespace !== owner.namespace) return false;
  return (object.metadata.ownerReferences ?? []).some(
    (o) => o.controller === true && o.kind === owner.kind && o.uid === owner.uid,
  );
}

/** A build's own child: controlled by the build, with blockOwnerDeletion set. */
export function ownChild(
  object: KubeObject,
  build: { metadata: { uid?: string; namespace?: string } },
): boolean {
  const { uid, namespace } = build.metadata;
  return (
    controlledBy(object, { kind: "RootfsBuild", uid, namespace }) &&
    buildRefs(object).some((o) => o.uid === uid && o.controller === true && o.blockOwnerDeletion === true)
  );
}

/**
 * A child shared by the builds of one ISO: in the build's namespace, owned by builds only (none the
 * controller), each with blockOwnerDeletion, as the builders make it and each joining build adds itself.
 */
export function sharedChild(object: KubeObject, namespace: string | undefined): boolean {
  const owners = object.metadata.ownerReferences ?? [];
  return (
    object.metadata.namespace === namespace &&
    owners.length > 0 &&
    owners.every((o) => o.kind === "RootfsBuild" && o.controller !== true && o.blockOwnerDeletion === true)
  );
}

function buildRefs(object: KubeObject): OwnerReference[] {
  return (object.metadata.ownerReferences ?? []).filter((o) => o.kind === "RootfsBuild");
}
