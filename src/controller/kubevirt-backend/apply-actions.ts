import type { RootfsBuild } from "../../api/rootfsbuild.js";
import {
  apiVersionOf,
  coreRefs,
  isAlreadyExists,
  type KubeClient,
  type KubeObject,
  type Logger,
  type ResourceRef,
} from "../../runtime/index.js";
import { sharedOwnerReference } from "../builders/index.js";
import { describeAction, type Action } from "./vocabulary.js";
import { installTimeoutAnnotation } from "./decide.js";
import { buildOwnerUids } from "./owned-children.js";

export const fieldManager = "rootfs-operator";

/**
 * Carries out a decision's actions in order. Creating what exists adopts it (the names are
 * deterministic); deleting what is gone is done. Any other error ends the pass: the next one decides
 * afresh from the caches.
 */
export async function applyActions(
  client: KubeClient,
  build: RootfsBuild,
  actions: Action[],
  log: Logger,
): Promise<void> {
  for (const action of actions) {
    const note = await perform(client, build, action);
    log.info({ action: action.kind }, `${describeAction(action)}${note ?? ""}`);
  }
}

async function perform(client: KubeClient, build: RootfsBuild, action: Action): Promise<string | void> {
  switch (action.kind) {
    case "create":
      return client.create(action.ref, action.object, { fieldManager }).then(
        () => undefined,
        (err: unknown) => {
          if (!isAlreadyExists(err)) throw err;
        },
      );
    case "addOwner":
      return addOwner(client, build, action.ref, action.object);
    case "release": {
      const deleted = await releaseShared(client, build.metadata.uid ?? "", action.ref, action.object);
      return deleted ? ", and deleted it: no other build owns it" : undefined;
    }
    case "delete":
      return deleteObserved(client, action.ref, action.object);
    case "markInstallTimedOut": {
      const { name, namespace } = action.targetPvc.metadata;
      const patch = { metadata: { annotations: { [installTimeoutAnnotation]: action.message } } };
      await client.patch(coreRefs.pvc, name, namespace, patch, "merge");
      return;
    }
  }
}

/**
 * Appends the build to a shared child's owners by server-side apply under a field manager of its own:
 * ownerReferences merge by uid, so each build's entry is its own and concurrent builds never clash.
 */
async function addOwner(
  client: KubeClient,
  build: RootfsBuild,
  ref: ResourceRef,
  object: KubeObject,
): Promise<void> {
  const { name, namespace } = object.metadata;
  const body = {
    apiVersion: apiVersionOf(ref),
    kind: ref.kind,
    metadata: { name, namespace, ownerReferences: [sharedOwnerReference(build)] },
  };
  await client.patch(ref, name, namespace, body, "apply", {
    fieldManager: `${fieldManager}/${build.metadata.uid}`,
  });
}

/**
 * Drops the build's owner reference from a shared child, or deletes the child (returning true) when no
 * other build owns it. Both are conditional on the object as observed, so a build joining meanwhile is
 * never cut off.
 */
async function releaseShared(
  client: KubeClient,
  uid: string,
  ref: ResourceRef,
  object: KubeObject,
): Promise<boolean> {
  const { name, namespace, resourceVersion } = object.metadata;
  const owners = object.metadata.ownerReferences ?? [];
  if (buildOwnerUids(object).every((owner) => owner === uid)) {
    await client.delete(ref, name, namespace, {
      propagationPolicy: "Background",
      preconditions: { uid: object.metadata.uid, resourceVersion },
    });
    return true;
  }
  const index = owners.findIndex((o) => o.uid === uid);
  if (index < 0) return false;
  const patch = [
    { op: "test", path: "/metadata/resourceVersion", value: resourceVersion },
    { op: "remove", path: `/metadata/ownerReferences/${index}` },
  ];
  await client.patch(ref, name, namespace, patch, "json");
  return false;
}

/** Deletes the very object observed (not a namesake made since); its dependents go in the background. */
async function deleteObserved(client: KubeClient, ref: ResourceRef, object: KubeObject): Promise<void> {
  const { name, namespace, uid } = object.metadata;
  await client.delete(ref, name, namespace, { propagationPolicy: "Background", preconditions: { uid } });
}
