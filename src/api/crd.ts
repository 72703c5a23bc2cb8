import { z } from "zod";
import { group, version } from "./group.js";
import { rootfsBuildSpec } from "./rootfsbuild-spec.js";
import { maxBuildNameLength, rootfsBuildStatus } from "./rootfsbuild.js";
import { rootfsImageSpec, rootfsImageStatus } from "./rootfsimage.js";

// CustomResourceDefinitions derived from the zod schemas: zod 4 emits OpenAPI 3.0 JSON Schema, and
// `structural()` removes what a structural CRD schema may not hold.

type JsonSchema = { [key: string]: unknown };

interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "date";
  jsonPath: string;
  description: string;
  priority?: number;
}

interface ResourceDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  scope: "Namespaced" | "Cluster";
  spec: z.ZodType;
  status: z.ZodType;
  columns: PrinterColumn[];
  description: string;
  /** CEL rules on the whole object; of metadata, only name and generateName are visible to them. */
  objectRules?: { rule: string; message: string }[];
}

const age: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
  description: "Time since creation.",
};

const categories = ["rootfs"];

export const resources: ResourceDefinition[] = [
  {
    kind: "RootfsBuild",
    plural: "rootfsbuilds",
    singular: "rootfsbuild",
    shortNames: ["rfsb"],
    scope: "Namespaced",
    spec: rootfsBuildSpec,
    status: rootfsBuildStatus,
    objectRules: [
      {
        rule: `size(self.metadata.name) <= ${maxBuildNameLength}`,
        message: `metadata.name must be at most ${maxBuildNameLength} characters`,
      },
    ],
    description:
      "RootfsBuild turns an OS installer ISO into bootable root filesystems (nfsroot tree, initramfs cgz, kernel) through an unattended install, and records the result in the RootfsImage catalog.",
    columns: [
      { name: "Distro", type: "string", jsonPath: ".spec.os.distro", description: "Distribution." },
      { name: "Release", type: "string", jsonPath: ".spec.os.release", description: "Release." },
      { name: "Arch", type: "string", jsonPath: ".spec.os.arch", description: "Architecture." },
      { name: "Phase", type: "string", jsonPath: ".status.phase", description: "Current phase." },
      age,
      {
        name: "Size",
        type: "string",
        jsonPath: ".status.size",
        description: "Size of the artifacts.",
        priority: 1,
      },
      {
        name: "Image",
        type: "string",
        jsonPath: ".status.image",
        description: "Catalog entry.",
        priority: 1,
      },
    ],
  },
  {
    kind: "RootfsImage",
    plural: "rootfsimages",
    singular: "rootfsimage",
    shortNames: ["rfsi"],
    scope: "Cluster",
    spec: rootfsImageSpec,
    status: rootfsImageStatus,
    description:
      "RootfsImage is a catalog entry: a published rootfs with its artifacts' locations and digests. Builds with the same build key reuse it instead of building again.",
    columns: [
      { name: "Distro", type: "string", jsonPath: ".spec.os.distro", description: "Distribution." },
      { name: "Release", type: "string", jsonPath: ".spec.os.release", description: "Release." },
      { name: "Arch", type: "string", jsonPath: ".spec.os.arch", description: "Architecture." },
      { name: "Kernel", type: "string", jsonPath: ".spec.kernelVersion", description: "Kernel version." },
      { name: "Size", type: "string", jsonPath: ".spec.size", description: "Size of the artifacts." },
      age,
      {
        name: "Build",
        type: "string",
        jsonPath: ".spec.createdFrom.name",
        description: "Build that made it.",
        priority: 1,
      },
      { name: "Key", type: "string", jsonPath: ".spec.buildKey", description: "Build key.", priority: 1 },
    ],
  },
];

const maxSafe = Number.MAX_SAFE_INTEGER;

/** Rewrites a JSON Schema node (recursively) into what a structural CRD schema accepts. */
export function structural(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "propertyNames") continue;
    // Pruning removes unknown fields; `additionalProperties: false` is not allowed next to `properties`.
    if (key === "additionalProperties" && (value === false || isEmptyObject(value))) continue;
    // zod's safe-integer bounds say nothing to a user and bloat the schema.
    if ((key === "maximum" && value === maxSafe) || (key === "minimum" && value === -maxSafe)) continue;
    // A date-time format is checked by the apiserver; zod's equivalent regex would only duplicate it.
    if (key === "pattern" && node.format === "date-time") continue;
    out[key] = transform(key, value);
  }
  // zod writes `default: {}` for objects defaulted field by field; the apiserver checks a default
  // against the object's own CEL rules, so spell out the fields it will end up with.
  if (isEmptyObject(out.default) && isObject(out.properties)) out.default = filledDefault(out);
  return out;
}

function filledDefault(node: JsonSchema): JsonSchema {
  const filled: JsonSchema = {};
  for (const [name, child] of Object.entries(isObject(node.properties) ? node.properties : {})) {
    if (!isObject(child) || child.default === undefined) continue;
    filled[name] = isEmptyObject(child.default) ? filledDefault(child) : child.default;
  }
  return filled;
}

function transform(key: string, value: unknown): unknown {
  if (key === "properties" && isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structural(isObject(v) ? v : {})]));
  }
  if ((key === "items" || key === "additionalProperties") && isObject(value)) return structural(value);
  return value;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}

function openApiSchema(schema: z.ZodType): JsonSchema {
  return structural(z.toJSONSchema(schema, { target: "openapi-3.0", io: "input" }));
}

/** The CustomResourceDefinition object for one resource. */
export function crdFor(def: ResourceDefinition): JsonSchema {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${def.plural}.${group}` },
    spec: {
      group,
      scope: def.scope,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories,
      },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.columns,
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: def.description,
              properties: {
                apiVersion: { type: "string", description: "Versioned schema of this object." },
                kind: { type: "string", description: "REST resource this object represents." },
                metadata: { type: "object" },
                spec: openApiSchema(def.spec),
                status: openApiSchema(def.status),
              },
              required: ["spec"],
              ...(def.objectRules && { "x-kubernetes-validations": def.objectRules }),
            },
          },
        },
      ],
    },
  };
}
