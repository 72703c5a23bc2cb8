// The converter on synthetic specs: quirks the v1.9.0 spec does not (or not reachably) exercise.

import { test } from "node:test";
import assert from "node:assert/strict";
import { KUBEVIRT_KINDS } from "../../../scripts/kubevirt-crd/kubevirt-kinds.js";
import type { JSONSchemaProps, SwaggerDocument } from "../../../scripts/kubevirt-crd/schema-types.js";
import { findRefs, structuralViolations } from "../../../scripts/kubevirt-crd/structural-checks.js";
import { SpecError, structuralSchema } from "../../../scripts/kubevirt-crd/swagger-to-structural.js";
import { at } from "./committed-crds.js";

const doc = (definitions: Record<string, unknown>): SwaggerDocument => ({ swagger: "2.0", definitions });

test("converter: recursive types are cut with x-kubernetes-preserve-unknown-fields", () => {
  const spec = doc({
    Root: {
      type: "object",
      properties: {
        metadata: { $ref: "#/definitions/k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
        tree: { description: "a tree", $ref: "#/definitions/Node" },
      },
    },
    Node: {
      description: "Node type",
      type: "object",
      required: ["value"],
      properties: {
        value: { type: "string", default: "" },
        children: { type: "array", items: { default: {}, $ref: "#/definitions/Node" } },
        raw: { $ref: "#/definitions/k8s.io.apimachinery.pkg.runtime.RawExtension" },
      },
    },
    "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta": { type: "object", properties: {} },
    "k8s.io.apimachinery.pkg.runtime.RawExtension": { type: "object" },
  });
  const { schema, cycles } = structuralSchema(spec, "Root");
  assert.deepEqual(cycles, ["Node"]);
  assert.deepEqual(structuralViolations(schema), []);
  assert.deepEqual(findRefs(schema), []);
  assert.deepEqual(schema.properties?.["metadata"], { type: "object" });
  const tree = at(schema, "tree");
  assert.equal(tree.description, "a tree");
  assert.deepEqual(tree.required, ["value"]);
  assert.deepEqual(at(schema, "tree.value"), { type: "string" });
  assert.deepEqual(at(schema, "tree.children.[]"), {
    description: "Node type",
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
  });
  assert.deepEqual(at(schema, "tree.raw"), { type: "object", "x-kubernetes-preserve-unknown-fields": true });
});

test("converter: type lists, descriptions off, and unknown constructs", () => {
  const spec = doc({
    Root: {
      description: "root",
      type: "object",
      properties: {
        when: { description: "nullable time", type: ["string", "null"] },
        port: { type: ["string", "number"] },
        labels: { type: "object", additionalProperties: { type: "string", default: "" } },
        both: {
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: { type: "string" },
        },
      },
    },
  });
  const { schema } = structuralSchema(spec, "Root", { descriptions: false });
  assert.equal(schema.description, "root");
  assert.deepEqual(at(schema, "when"), { nullable: true, type: "string" });
  assert.deepEqual(at(schema, "port"), {
    anyOf: [{ type: "integer" }, { type: "string" }],
    "x-kubernetes-int-or-string": true,
  });
  assert.deepEqual(at(schema, "labels"), { additionalProperties: { type: "string" }, type: "object" });
  assert.deepEqual(at(schema, "both"), { properties: { a: { type: "string" } }, type: "object" });
  assert.deepEqual(structuralViolations(schema), []);

  const bad = (node: unknown): SwaggerDocument => doc({ Root: { type: "object", properties: { x: node } } });
  assert.throws(() => structuralSchema(bad({ type: "string", format: "uuid-ish" }), "Root"), SpecError);
  assert.throws(() => structuralSchema(bad({ type: "string", oneOf: [] }), "Root"), SpecError);
  assert.throws(() => structuralSchema(bad({ type: ["string", "boolean"] }), "Root"), SpecError);
  assert.throws(() => structuralSchema(bad({ $ref: "#/definitions/Missing" }), "Root"), SpecError);
  assert.throws(() => structuralSchema(bad({ type: "array" }), "Root"), SpecError);
});

test("structuralViolations catches what the apiserver would reject", () => {
  const v = (s: JSONSchemaProps): string[] => structuralViolations(s);
  assert.deepEqual(v({ type: "object", properties: { a: { type: "string" } } }), []);
  assert.notDeepEqual(v({ type: "object", properties: { a: { description: "untyped" } } }), []);
  assert.notDeepEqual(v({ type: "object", properties: { a: { type: "array" } } }), []);
  assert.notDeepEqual(
    v({ type: "object", properties: { metadata: { type: "object", properties: {} } } }),
    [],
  );
  assert.notDeepEqual(
    v({
      type: "object",
      properties: {
        l: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: { type: "object", properties: { name: { type: "string" } } },
        },
      },
    }),
    [],
    "list-map keys must be required",
  );
  const withRef = {
    type: "object",
    properties: { a: { $ref: "#/definitions/X" } },
  } as unknown as JSONSchemaProps;
  assert.notDeepEqual(v(withRef), []);
  assert.deepEqual(Object.keys(KUBEVIRT_KINDS).sort(), ["VirtualMachine", "VirtualMachineInstance"]);
});
