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
// No I/O here: scripts/gen-kubevirt.ts reads the spec and writes the files; the unit tests import these.

import {
  FIELDS_V1,
  INT_OR_STRING,
  MICRO_TIME,
  OBJECT_META,
  QUANTITY,
  QUANTITY_PATTERN,
  RAW_EXTENSION,
  TIME,
  intOrString,
  preserveUnknown,
} from "./kubernetes-types.js";
import {
  ALL_TYPES,
  KNOWN_FORMATS,
  isObj,
  sortKeys,
  type CrdOptions,
  type JSONSchemaProps,
  type JSONType,
  type Obj,
  type SwaggerDocument,
} from "./schema-types.js";

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

export class SpecError extends Error {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = "SpecError";
  }
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
