// The shapes the KubeVirt CRD generator reads (a Swagger 2.0 document) and writes (apiextensions.k8s.io/v1
// CustomResourceDefinitions with structural schemas), and the type and format vocabulary both sides share.

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps this converter emits. */
export interface JSONSchemaProps {
  anyOf?: JSONSchemaProps[];
  additionalProperties?: JSONSchemaProps;
  description?: string;
  enum?: (string | number | boolean)[];
  format?: string;
  items?: JSONSchemaProps;
  nullable?: boolean;
  pattern?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  type?: JSONType;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-map-type"?: "atomic" | "granular";
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

export type JSONType = "object" | "array" | "string" | "integer" | "number" | "boolean";

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: "Namespaced" | "Cluster";
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      schema: { openAPIV3Schema: JSONSchemaProps };
      subresources?: { status?: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
    }[];
  };
}

/** A Swagger 2.0 document, as far as this module reads it. */
export interface SwaggerDocument {
  swagger?: unknown;
  definitions: Record<string, unknown>;
}

export interface CrdOptions {
  /** Keep `description`s (default true). The root description is kept either way. */
  descriptions?: boolean;
}

/** `format` values the apiserver knows (validated ones and the numeric ones); anything else is an error. */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set([
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "date-time",
]);

export const SCALAR_TYPES: ReadonlySet<string> = new Set(["string", "integer", "number", "boolean"]);
export const ALL_TYPES: ReadonlySet<string> = new Set([...SCALAR_TYPES, "object", "array"]);

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Sort schema keywords alphabetically (as controller-gen does); `properties` keep the spec's order. */
export function sortKeys(s: JSONSchemaProps): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  const src: Record<string, unknown> = { ...s };
  for (const k of Object.keys(src).sort()) out[k] = src[k];
  return out;
}
