// The Kubernetes types the converter maps to their CRD spelling (as KubeVirt's own generated CRD validation
// does) instead of expanding their definitions.

import type { JSONSchemaProps, JSONType } from "./schema-types.js";

/** Swagger definition names with a fixed CRD mapping (they are not expanded). */
export const QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
export const INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
export const TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";
export const MICRO_TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime";
export const OBJECT_META = "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta";
export const RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
export const FIELDS_V1 = "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1";

/** What controller-gen emits for resource.Quantity (the apiserver accepts it as a structural int-or-string). */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

export function intOrString(description: string | undefined, pattern?: string): JSONSchemaProps {
  const s: JSONSchemaProps = { anyOf: [{ type: "integer" }, { type: "string" }] };
  if (description !== undefined) s.description = description;
  if (pattern !== undefined) s.pattern = pattern;
  s["x-kubernetes-int-or-string"] = true;
  return s;
}

export function preserveUnknown(
  description: string | undefined,
  type: JSONType | undefined,
): JSONSchemaProps {
  const s: JSONSchemaProps = {};
  if (description !== undefined) s.description = description;
  if (type !== undefined) s.type = type;
  s["x-kubernetes-preserve-unknown-fields"] = true;
  return s;
}
