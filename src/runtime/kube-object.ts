// Resource coordinates and the minimal object shape the runtime works with.

/** Where a kind lives in the API: enough to build its REST paths. */
export interface ResourceRef {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  generateName?: string;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

/** "group/version", or just "version" for the core group. */
export function apiVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** Path of a collection: all namespaces when `namespace` is undefined. */
export function collectionPath(ref: ResourceRef, namespace?: string): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = ref.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${ref.plural}`;
}

export function objectPath(ref: ResourceRef, name: string, namespace?: string, subresource?: string): string {
  if (ref.namespaced && !namespace) {
    throw new Error(`${ref.kind} ${name}: a namespace is required (${ref.kind} is namespaced)`);
  }
  if (!name) throw new Error(`${ref.kind}: an object name is required`);
  const sub = subresource ? `/${subresource}` : "";
  return `${collectionPath(ref, namespace)}/${encodeURIComponent(name)}${sub}`;
}

const core = (plural: string, kind: string, namespaced = true): ResourceRef => ({
  group: "",
  version: "v1",
  plural,
  kind,
  namespaced,
});

export const coreRefs = {
  pod: core("pods", "Pod"),
  secret: core("secrets", "Secret"),
  configMap: core("configmaps", "ConfigMap"),
  pvc: core("persistentvolumeclaims", "PersistentVolumeClaim"),
  event: core("events", "Event"),
  namespace: core("namespaces", "Namespace", false),
  serviceAccount: core("serviceaccounts", "ServiceAccount"),
  service: core("services", "Service"),
  lease: { group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true },
  job: { group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true },
  customResourceDefinition: {
    group: "apiextensions.k8s.io",
    version: "v1",
    plural: "customresourcedefinitions",
    kind: "CustomResourceDefinition",
    namespaced: false,
  },
} as const satisfies Record<string, ResourceRef>;
