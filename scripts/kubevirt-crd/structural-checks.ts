// Structural-schema checks (a subset of k8s.io/apiextensions-apiserver's ValidateStructural plus the CRD
// validation rules that concern what this converter emits). Used by the generator before writing anything
// and by the unit tests.

import { ALL_TYPES, KNOWN_FORMATS, SCALAR_TYPES, isObj, type JSONSchemaProps } from "./schema-types.js";

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
