// Finalizers via merge patch. The patch carries metadata.resourceVersion, which
// the apiserver treats as a precondition (409 if the object moved on), so a
// concurrent change to the finalizer list is never overwritten.

import { isNotFound, type KubeClient } from "./kube-client.js";
import type { KubeObject, ResourceRef } from "./kube-object.js";

export function hasFinalizer(obj: KubeObject, finalizer: string): boolean {
  return obj.metadata.finalizers?.includes(finalizer) ?? false;
}

/**
 * Adds `finalizer` unless present and returns the updated object. Also
 * updates `obj.metadata` (finalizers, resourceVersion) in place, so a status
 * harness draft can still be written afterwards. Do not call on an object
 * being deleted (the apiserver rejects new finalizers then).
 */
export async function ensureFinalizer<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  obj: T,
  finalizer: string,
): Promise<T> {
  if (hasFinalizer(obj, finalizer)) return obj;
  return patchFinalizers(client, ref, obj, [...(obj.metadata.finalizers ?? []), finalizer]);
}

/**
 * Removes `finalizer` if present and returns the updated object (which the
 * apiserver may delete right after, if it was the last finalizer of an object
 * being deleted). Updates `obj.metadata` in place like ensureFinalizer.
 */
export async function removeFinalizer<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  obj: T,
  finalizer: string,
): Promise<T> {
  if (!hasFinalizer(obj, finalizer)) return obj;
  try {
    return await patchFinalizers(
      client,
      ref,
      obj,
      (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer),
    );
  } catch (err) {
    if (isNotFound(err)) return obj;
    throw err;
  }
}

async function patchFinalizers<T extends KubeObject>(
  client: KubeClient,
  ref: ResourceRef,
  obj: T,
  finalizers: string[],
): Promise<T> {
  const { name, namespace, resourceVersion } = obj.metadata;
  if (!resourceVersion)
    throw new Error(`${ref.kind} ${name}: finalizer update needs metadata.resourceVersion`);
  // null, not [], removes the field (merge-patch semantics).
  const patch = { metadata: { resourceVersion, finalizers: finalizers.length > 0 ? finalizers : null } };
  const updated = await client.patch<T>(ref, name, namespace, patch, "merge");
  if (updated.metadata.finalizers) obj.metadata.finalizers = updated.metadata.finalizers;
  else delete obj.metadata.finalizers;
  if (updated.metadata.resourceVersion) obj.metadata.resourceVersion = updated.metadata.resourceVersion;
  return updated;
}
