import { objectKey, type Informer, type KubeObject, type ResourceRef } from "../../runtime/index.js";
import type { OwnedChild } from "./snapshot.js";

/**
 * The direct children of each build, by build uid, across the child informers: a build's cleanup and its
 * stale children are found without scanning every cached object.
 */
export class OwnedChildren {
  private readonly byOwner = new Map<string, Map<string, OwnedChild>>();
  private readonly ownersOf = new Map<string, string[]>();

  constructor(informers: Informer[]) {
    for (const informer of informers) {
      // Objects cached before this index existed, then every change (a relist replays them again).
      for (const object of informer.list()) this.index(informer.ref, object, objectKey(object), false);
      informer.onChange((object, key, deleted) => this.index(informer.ref, object, key, deleted));
    }
  }

  /** Everything that names `uid` as an owner, controller or not. */
  of(uid: string): OwnedChild[] {
    return [...(this.byOwner.get(uid)?.values() ?? [])];
  }

  private index(ref: ResourceRef, object: KubeObject, key: string, deleted: boolean): void {
    const id = `${ref.group}/${ref.plural}/${key}`;
    for (const uid of this.ownersOf.get(id) ?? []) {
      const children = this.byOwner.get(uid);
      children?.delete(id);
      if (children?.size === 0) this.byOwner.delete(uid);
    }
    const owners = deleted ? [] : buildOwnerUids(object);
    if (owners.length === 0) this.ownersOf.delete(id);
    else this.ownersOf.set(id, owners);
    for (const uid of owners) {
      let children = this.byOwner.get(uid);
      if (!children) this.byOwner.set(uid, (children = new Map<string, OwnedChild>()));
      children.set(id, { ref, object });
    }
  }
}

export function buildOwnerUids(object: KubeObject): string[] {
  return (object.metadata.ownerReferences ?? []).filter((o) => o.kind === "RootfsBuild").map((o) => o.uid);
}
