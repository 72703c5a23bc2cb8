// Work-queue keys: "namespace/name", or "name" for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).

import type { KubeObject } from "./kube-object.js";

export function objectKey(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
