// Pure functions that derive structural CRD schemas for KubeVirt's VirtualMachine and
// VirtualMachineInstance from KubeVirt's published Swagger 2.0 document (`api/openapi-spec/swagger.json`).
//
// The result is meant for a test apiserver (there is no KubeVirt there, only its CRDs), so it follows what
// KubeVirt's own generated CRD validation does: `$ref`s are inlined, Kubernetes special types are mapped to
// their CRD spelling (Quantity/IntOrString -> x-kubernetes-int-or-string, Time -> date-time string,
// RawExtension and embedded ObjectMeta -> x-kubernetes-preserve-unknown-fields), and everything a structural
// schema forbids (`$ref`, `default`, multi-valued `type`, patch-strategy extensions, ...) is dropped or
// rewritten. Anything the converter does not recognise is an error, so a new spec version cannot silently
// produce a schema the apiserver would reject.
//
// No I/O here: scripts/gen-kubevirt.ts reads the spec and writes the files; the unit test imports these.

import { stringify } from "yaml";

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

/** `format` values the apiserver knows (validated ones and the numeric ones); anything else is an error. */
export const KNOWN_FORMATS: ReadonlySet<string> = new Set([
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "date-time",
]);

/** Swagger keywords the converter understands. Everything else in a schema node is an error. */
const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  "$ref",
  "additionalProperties",
  "default",
  "description",
  "enum",
  "format",
  "items",
  "nullable",
  "properties",
  "required",
  "type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-patch-merge-key",
  "x-kubernetes-patch-strategy",
]);

const SCALAR_TYPES: ReadonlySet<string> = new Set(["string", "integer", "number", "boolean"]);
const ALL_TYPES: ReadonlySet<string> = new Set([...SCALAR_TYPES, "object", "array"]);

export class SpecError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "SpecError";
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function intOrString(description: string | undefined, pattern?: string): JSONSchemaProps {
  const s: JSONSchemaProps = { anyOf: [{ type: "integer" }, { type: "string" }] };
  if (description !== undefined) s.description = description;
  if (pattern !== undefined) s.pattern = pattern;
  s["x-kubernetes-int-or-string"] = true;
  return s;
}

function preserveUnknown(description: string | undefined, type: JSONType | undefined): JSONSchemaProps {
  const s: JSONSchemaProps = {};
  if (description !== undefined) s.description = description;
  if (type !== undefined) s.type = type;
  s["x-kubernetes-preserve-unknown-fields"] = true;
  return s;
}

/** Sort schema keywords alphabetically (as controller-gen does); `properties` keep the spec's order. */
function sortKeys(s: JSONSchemaProps): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  const src: Record<string, unknown> = { ...s };
  for (const k of Object.keys(src).sort()) out[k] = src[k];
  return out;
}

class Converter {
  /** Names of definitions that were cut at a cycle (recursive types), for reporting. */
  readonly cycles = new Set<string>();
  private readonly stack: string[] = [];

  constructor(
    private readonly definitions: Record<string, unknown>,
    private readonly descriptions: boolean,
  ) {}

  definition(name: string, path: string): Obj {
    const def = this.definitions[name];
    if (!isObj(def)) throw new SpecError(path, `unknown definition ${JSON.stringify(name)}`);
    return def;
  }

  private describe(node: Obj, path: string): string | undefined {
    const d = node["description"];
    if (d === undefined || !this.descriptions) return undefined;
    if (typeof d !== "string") throw new SpecError(path, "description is not a string");
    return d;
  }

  /** Convert the schema node `node` found at `path` (a JSON path into the spec, for error messages). */
  convert(node: unknown, path: string): JSONSchemaProps {
    if (!isObj(node)) throw new SpecError(path, "schema is not an object");
    for (const k of Object.keys(node)) {
      if (!KNOWN_KEYWORDS.has(k)) throw new SpecError(path, `unsupported keyword ${JSON.stringify(k)}`);
    }
    const ref = node["$ref"];
    if (ref !== undefined) return this.convertRef(node, ref, path);

    const description = this.describe(node, path);
    const s: JSONSchemaProps = {};
    if (description !== undefined) s.description = description;

    // type: Swagger 2.0 allows only a string, but KubeVirt's spec has ["string","null"] (nullable times in
    // conditions) and ["string","number"] (IntOrString ports in probes).
    let type: JSONType | undefined;
    const rawType = node["type"];
    if (Array.isArray(rawType)) {
      const all: unknown[] = rawType;
      const types = all.filter((t) => t !== "null");
      const nullable = types.length !== all.length;
      const sorted = types.map(String).sort().join(",");
      if (types.length === 1 && typeof types[0] === "string" && ALL_TYPES.has(types[0])) {
        type = types[0] as JSONType;
        if (nullable) s.nullable = true;
      } else if (
        sorted === "number,string" ||
        sorted === "integer,string" ||
        sorted === "integer,number,string"
      ) {
        const ios = intOrString(description);
        if (nullable) ios.nullable = true;
        return sortKeys(ios);
      } else {
        throw new SpecError(path, `unsupported type list ${JSON.stringify(rawType)}`);
      }
    } else if (rawType !== undefined) {
      if (typeof rawType !== "string" || !ALL_TYPES.has(rawType)) {
        throw new SpecError(path, `unsupported type ${JSON.stringify(rawType)}`);
      }
      type = rawType as JSONType;
    }

    const format = node["format"];
    if (format !== undefined) {
      if (format === "int-or-string") return sortKeys(intOrString(description));
      if (typeof format !== "string" || !KNOWN_FORMATS.has(format)) {
        throw new SpecError(path, `unsupported format ${JSON.stringify(format)}`);
      }
      s.format = format;
    }

    if (node["nullable"] === true) s.nullable = true;

    const properties = node["properties"];
    const additional = node["additionalProperties"];
    if (properties !== undefined) {
      if (!isObj(properties)) throw new SpecError(path, "properties is not an object");
      type ??= "object";
      s.properties = {};
      for (const [name, child] of Object.entries(properties)) {
        s.properties[name] = this.convert(child, `${path}.properties.${name}`);
      }
    }
    // A structural schema cannot have both; `properties` are the stricter description, so they win.
    if (additional !== undefined && properties === undefined) {
      type ??= "object";
      if (additional === true) s["x-kubernetes-preserve-unknown-fields"] = true;
      else if (additional !== false)
        s.additionalProperties = this.convert(additional, `${path}.additionalProperties`);
    }

    const items = node["items"];
    if (items !== undefined) {
      type ??= "array";
      s.items = this.convert(items, `${path}.items`);
    }

    if (type === undefined) {
      // A Go interface{} / json.RawMessage: anything goes, keep it.
      return sortKeys(preserveUnknown(description, undefined));
    }
    if (type === "array" && s.items === undefined) throw new SpecError(path, "array without items");
    s.type = type;

    const required = node["required"];
    if (required !== undefined) {
      if (!Array.isArray(required) || !required.every((r) => typeof r === "string")) {
        throw new SpecError(path, "required is not a list of strings");
      }
      if (required.length > 0) s.required = [...required];
    }

    const enumValues = node["enum"];
    if (enumValues !== undefined) {
      if (!Array.isArray(enumValues)) throw new SpecError(path, "enum is not a list");
      s.enum = enumValues.map((v) => {
        if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
          throw new SpecError(path, `unsupported enum value ${JSON.stringify(v)}`);
        }
        return v;
      });
    }

    const listType = node["x-kubernetes-list-type"];
    if (listType !== undefined) {
      if (listType !== "atomic" && listType !== "set" && listType !== "map") {
        throw new SpecError(path, `unsupported x-kubernetes-list-type ${JSON.stringify(listType)}`);
      }
      s["x-kubernetes-list-type"] = listType;
    }
    const mapKeys = node["x-kubernetes-list-map-keys"];
    if (mapKeys !== undefined) {
      if (!Array.isArray(mapKeys) || !mapKeys.every((k) => typeof k === "string")) {
        throw new SpecError(path, "x-kubernetes-list-map-keys is not a list of strings");
      }
      s["x-kubernetes-list-map-keys"] = [...mapKeys];
    }
    const mapType = node["x-kubernetes-map-type"];
    if (mapType !== undefined) {
      if (mapType !== "atomic" && mapType !== "granular") {
        throw new SpecError(path, `unsupported x-kubernetes-map-type ${JSON.stringify(mapType)}`);
      }
      s["x-kubernetes-map-type"] = mapType;
    }
    // Dropped on purpose: `default` (CRD defaults must validate against the schema and would be applied by
    // the apiserver; KubeVirt's `default: {}` on a struct with required fields would even make the CRD
    // invalid), and x-kubernetes-patch-strategy / -patch-merge-key (not JSONSchemaProps fields).
    return sortKeys(s);
  }

  private convertRef(node: Obj, ref: unknown, path: string): JSONSchemaProps {
    if (typeof ref !== "string" || !ref.startsWith("#/definitions/")) {
      throw new SpecError(path, `unsupported $ref ${JSON.stringify(ref)}`);
    }
    const name = ref.slice("#/definitions/".length);
    const def = this.definition(name, `${path}.$ref`);
    // The field's own description describes the field. Mapped Kubernetes types only get that one (their type
    // docs are generic, and Quantity's is a 2 kB grammar); expanded types fall back to the type's docs.
    const fieldDescription = this.describe(node, path);
    const description = fieldDescription ?? this.describe(def, `definitions.${name}`);
    switch (name) {
      case QUANTITY:
        return sortKeys(intOrString(fieldDescription, QUANTITY_PATTERN));
      case INT_OR_STRING:
        return sortKeys(intOrString(fieldDescription));
      case TIME:
      case MICRO_TIME: {
        const s: JSONSchemaProps = { type: "string", format: "date-time" };
        if (fieldDescription !== undefined) s.description = fieldDescription;
        return sortKeys(s);
      }
      case OBJECT_META:
        // Embedded ObjectMeta (VMI template, DataVolume templates): the apiserver does not validate it, so
        // neither do we; keep whatever the client sends. (Root-level metadata is replaced by the caller.)
        return sortKeys(preserveUnknown(fieldDescription, "object"));
      case RAW_EXTENSION:
      case FIELDS_V1:
        return sortKeys(preserveUnknown(fieldDescription, "object"));
      default:
        break;
    }
    if (this.stack.includes(name)) {
      // Recursive type: a structural schema is a finite tree, so stop here and accept anything.
      this.cycles.add(name);
      const t = def["type"];
      return sortKeys(preserveUnknown(description, t === "object" || t === "array" ? t : undefined));
    }
    this.stack.push(name);
    try {
      const s = this.convert({ ...def, description: undefined }, `definitions.${name}`);
      if (description !== undefined) s.description = description;
      else delete s.description;
      return sortKeys(s);
    } finally {
      this.stack.pop();
    }
  }
}

/**
 * The structural openAPIV3Schema for the Swagger definition `rootName` (e.g. "v1.VirtualMachine").
 * Root-level `metadata` becomes `{type: object}` (the apiserver validates ObjectMeta itself and forbids
 * anything but name/generateName restrictions there).
 */
export function structuralSchema(
  spec: SwaggerDocument,
  rootName: string,
  options: CrdOptions = {},
): { schema: JSONSchemaProps; cycles: string[] } {
  const descriptions = options.descriptions ?? true;
  const converter = new Converter(spec.definitions, descriptions);
  const root = converter.definition(rootName, "definitions");
  const rootDescription = root["description"];
  const schema = converter.convert(
    { ...root, description: undefined },
    `definitions.${rootName}`,
  ) as JSONSchemaProps & { properties: Record<string, JSONSchemaProps> };
  if (typeof rootDescription === "string") schema.description = rootDescription;
  else delete schema.description;
  if (schema.type !== "object" || schema.properties === undefined) {
    throw new SpecError(`definitions.${rootName}`, "a CRD root must be an object with properties");
  }
  if ("metadata" in schema.properties) schema.properties["metadata"] = { type: "object" };
  return { schema: sortKeys(schema), cycles: [...converter.cycles].sort() };
}

/** Static description of one KubeVirt kind (names, printer columns) as KubeVirt's virt-operator sets it up. */
export interface KubeVirtKind {
  definition: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  statusSubresource: boolean;
  printerColumns: PrinterColumn[];
}

const AGE: PrinterColumn = { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" };
const READY: PrinterColumn = {
  name: "Ready",
  type: "string",
  jsonPath: ".status.conditions[?(@.type=='Ready')].status",
};

/**
 * Names, short names, categories and printer columns as in KubeVirt's
 * pkg/virt-operator/resource/generate/components/crds.go. Note that KubeVirt registers the status
 * subresource for VirtualMachine only: VirtualMachineInstance status is written with ordinary updates.
 */
export const KUBEVIRT_KINDS = {
  VirtualMachine: {
    definition: "v1.VirtualMachine",
    kind: "VirtualMachine",
    plural: "virtualmachines",
    singular: "virtualmachine",
    shortNames: ["vm", "vms"],
    statusSubresource: true,
    printerColumns: [
      AGE,
      {
        name: "Status",
        type: "string",
        jsonPath: ".status.printableStatus",
        description: "Human Readable Status",
      },
      READY,
    ],
  },
  VirtualMachineInstance: {
    definition: "v1.VirtualMachineInstance",
    kind: "VirtualMachineInstance",
    plural: "virtualmachineinstances",
    singular: "virtualmachineinstance",
    shortNames: ["vmi", "vmis"],
    statusSubresource: false,
    printerColumns: [
      AGE,
      { name: "Phase", type: "string", jsonPath: ".status.phase" },
      { name: "IP", type: "string", jsonPath: ".status.interfaces[0].ipAddress" },
      { name: "NodeName", type: "string", jsonPath: ".status.nodeName" },
      READY,
    ],
  },
} as const satisfies Record<string, KubeVirtKind>;

export const KUBEVIRT_GROUP = "kubevirt.io";
export const KUBEVIRT_VERSION = "v1";

/** The CRD for one KubeVirt kind, schema derived from `spec`. */
export function kubevirtCrd(
  spec: SwaggerDocument,
  k: KubeVirtKind,
  options: CrdOptions = {},
): CustomResourceDefinition {
  const { schema } = structuralSchema(spec, k.definition, options);
  const version: CustomResourceDefinition["spec"]["versions"][number] = {
    name: KUBEVIRT_VERSION,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: schema },
  };
  if (k.statusSubresource) version.subresources = { status: {} };
  version.additionalPrinterColumns = k.printerColumns.map((c) => ({ ...c }));
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${k.plural}.${KUBEVIRT_GROUP}` },
    spec: {
      group: KUBEVIRT_GROUP,
      names: {
        kind: k.kind,
        listKind: `${k.kind}List`,
        plural: k.plural,
        singular: k.singular,
        shortNames: [...k.shortNames],
        categories: ["all"],
      },
      scope: "Namespaced",
      versions: [version],
    },
  };
}

/** Render a CRD as a YAML document preceded by `header` (each line becomes a `# ` comment). */
export function crdToYaml(crd: CustomResourceDefinition, header: readonly string[]): string {
  const comments = header.map((l) => (l === "" ? "#" : `# ${l}`)).join("\n");
  const body = stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${comments}\n${body}`;
}

// ---------------------------------------------------------------------------------------------------------
// Structural-schema checks (a subset of k8s.io/apiextensions-apiserver's ValidateStructural plus the CRD
// validation rules that concern what this converter emits). Used by the generator before writing anything
// and by the unit test.

const ALLOWED_OUTPUT_KEYWORDS: ReadonlySet<string> = new Set([
  "anyOf",
  "additionalProperties",
  "description",
  "enum",
  "format",
  "items",
  "nullable",
  "pattern",
  "properties",
  "required",
  "type",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-list-type",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
]);

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return (
    anyOf !== undefined &&
    anyOf.length === 2 &&
    JSON.stringify(anyOf[0]) === JSON.stringify({ type: "integer" }) &&
    JSON.stringify(anyOf[1]) === JSON.stringify({ type: "string" })
  );
}

/** Every violation found in `schema` (an openAPIV3Schema), as "path: message" strings. Empty = structural. */
export function structuralViolations(schema: JSONSchemaProps): string[] {
  const errors: string[] = [];
  const err = (path: string, msg: string): void => {
    errors.push(`${path}: ${msg}`);
  };

  const walk = (s: JSONSchemaProps, path: string, level: "root" | "item" | "field"): void => {
    const raw = s as Record<string, unknown>;
    for (const k of Object.keys(raw)) {
      if (!ALLOWED_OUTPUT_KEYWORDS.has(k)) err(path, `keyword ${JSON.stringify(k)} not allowed`);
    }
    const intOrStr = s["x-kubernetes-int-or-string"] === true;
    const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
    if (raw["x-kubernetes-preserve-unknown-fields"] === false)
      err(path, "x-kubernetes-preserve-unknown-fields must be true or unset");
    if (raw["x-kubernetes-int-or-string"] === false)
      err(path, "x-kubernetes-int-or-string must be true or unset");
    if (intOrStr && preserve)
      err(path, "x-kubernetes-int-or-string and x-kubernetes-preserve-unknown-fields");

    if (s.type === undefined) {
      if (!intOrStr && !preserve) err(path, `type must not be empty (${level})`);
    } else if (!ALL_TYPES.has(s.type)) {
      err(path, `unknown type ${JSON.stringify(s.type)}`);
    }
    if (level === "root" && s.type !== "object") err(path, "root must be type object");
    if (level === "root" && s.additionalProperties !== undefined)
      err(path, "additionalProperties at the root");

    if (s.anyOf !== undefined) {
      if (!intOrStr || !isIntOrStringAnyOf(s.anyOf) || s.type !== undefined) {
        err(path, "anyOf is only emitted as the int-or-string pattern [{type: integer}, {type: string}]");
      }
    }
    if (intOrStr && s.type !== undefined) err(path, "x-kubernetes-int-or-string with a type");

    if (s.format !== undefined && !KNOWN_FORMATS.has(s.format)) err(path, `unknown format ${s.format}`);
    if (s.pattern !== undefined) {
      try {
        new RegExp(s.pattern, "u");
      } catch (e) {
        err(path, `invalid pattern: ${String(e)}`);
      }
    }

    if (s.properties !== undefined && s.additionalProperties !== undefined) {
      err(path, "properties and additionalProperties are mutually exclusive");
    }
    if ((s.properties !== undefined || s.additionalProperties !== undefined) && s.type !== "object") {
      err(path, "properties/additionalProperties require type object");
    }
    if (s.type === "array" && s.items === undefined) err(path, "items must be specified for type array");
    if (s.items !== undefined && s.type !== "array") err(path, "items requires type array");
    if (s.required !== undefined) {
      if (s.type !== "object" && !preserve) err(path, "required on a non-object");
      for (const r of s.required) {
        if (s.properties === undefined || !(r in s.properties)) {
          if (!preserve) err(path, `required property ${JSON.stringify(r)} is not declared`);
        }
      }
    }
    if (s.enum !== undefined) {
      for (const v of s.enum) {
        const t = typeof v;
        const ok =
          (s.type === "string" && t === "string") ||
          (s.type === "boolean" && t === "boolean") ||
          ((s.type === "integer" || s.type === "number") && t === "number");
        if (!ok) err(path, `enum value ${JSON.stringify(v)} does not match type ${String(s.type)}`);
      }
    }

    const listType = s["x-kubernetes-list-type"];
    const mapKeys = s["x-kubernetes-list-map-keys"];
    if (listType !== undefined && s.type !== "array") err(path, "x-kubernetes-list-type on a non-array");
    if (mapKeys !== undefined && listType !== "map")
      err(path, "x-kubernetes-list-map-keys without list-type map");
    if (listType === "set" && s.items !== undefined) {
      const it = s.items;
      const scalar = it.type !== undefined && SCALAR_TYPES.has(it.type);
      const atomic = it["x-kubernetes-map-type"] === "atomic" || it["x-kubernetes-list-type"] === "atomic";
      if (!scalar && !atomic) err(path, "x-kubernetes-list-type set needs scalar (or atomic) items");
    }
    if (listType === "map") {
      const it = s.items;
      if (it === undefined || it.type !== "object" || it.properties === undefined) {
        err(path, "x-kubernetes-list-type map needs object items with properties");
      } else if (mapKeys === undefined || mapKeys.length === 0) {
        err(path, "x-kubernetes-list-type map needs x-kubernetes-list-map-keys");
      } else {
        for (const key of mapKeys) {
          const p = it.properties[key];
          if (p === undefined) err(path, `list-map key ${key} is not a property of the items`);
          else if (p.type === undefined || !SCALAR_TYPES.has(p.type))
            err(path, `list-map key ${key} must be scalar`);
          // Keys must be required or defaulted; this converter never emits defaults.
          if (!(it.required ?? []).includes(key)) err(path, `list-map key ${key} must be required`);
        }
      }
    }
    const mapType = s["x-kubernetes-map-type"];
    if (mapType !== undefined && s.type !== "object") err(path, "x-kubernetes-map-type on a non-object");

    if (s.items !== undefined) walk(s.items, `${path}.items`, "item");
    if (s.additionalProperties !== undefined) {
      walk(s.additionalProperties, `${path}.additionalProperties`, "field");
    }
    for (const [name, child] of Object.entries(s.properties ?? {})) {
      walk(child, `${path}.properties.${name}`, "field");
    }
  };

  walk(schema, "openAPIV3Schema", "root");

  // Root-level metadata may only restrict name/generateName; we emit exactly {type: object}.
  const meta = schema.properties?.["metadata"];
  if (meta !== undefined && JSON.stringify(meta) !== JSON.stringify({ type: "object" })) {
    err("openAPIV3Schema.properties.metadata", "must be exactly {type: object}");
  }
  for (const k of ["apiVersion", "kind"]) {
    const p = schema.properties?.[k];
    if (p !== undefined && p.type !== "string") err(`openAPIV3Schema.properties.${k}`, "must be type string");
  }
  return errors;
}

/** All `$ref` occurrences (JSON paths) in an arbitrary JSON value. */
export function findRefs(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findRefs(v, `${path}[${i}]`));
  if (!isObj(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (k === "$ref") out.push(path);
    out.push(...findRefs(v, `${path}.${k}`));
  }
  return out;
}
