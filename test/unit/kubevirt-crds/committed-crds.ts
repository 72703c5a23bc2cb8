// The committed KubeVirt CRDs (generated from ../shared/kubevirt/swagger-v1.9.0.json) and ways into their
// schemas, for the KubeVirt CRD tests.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { CRD_DIR, repoRoot } from "../../../scripts/gen-kubevirt.js";
import type {
  CustomResourceDefinition,
  JSONSchemaProps,
} from "../../../scripts/kubevirt-crd/schema-types.js";

export const root = repoRoot();
export const VM_FILE = `${CRD_DIR}/virtualmachines.kubevirt.io.yaml`;
export const VMI_FILE = `${CRD_DIR}/virtualmachineinstances.kubevirt.io.yaml`;

const parsed = new Map<string, CustomResourceDefinition>();
/** The committed CRD at `file`, parsed once. Tests must not mutate it. */
export function loadCrd(file: string): CustomResourceDefinition {
  let crd = parsed.get(file);
  if (crd === undefined) {
    crd = parse(readFileSync(path.join(root, file), "utf8")) as CustomResourceDefinition;
    parsed.set(file, crd);
  }
  return crd;
}

export function schemaOf(crd: CustomResourceDefinition): JSONSchemaProps {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  assert.ok(schema, `${crd.metadata.name} has a schema`);
  return schema;
}

/** The sub-schema at a dotted path of property names ("spec.template.spec"); `[]` steps into array items. */
export function at(schema: JSONSchemaProps, dotted: string): JSONSchemaProps {
  let s = schema;
  for (const step of dotted.split(".")) {
    const next = step === "[]" ? s.items : s.properties?.[step];
    assert.ok(next, `schema has ${dotted} (stuck at ${step})`);
    s = next;
  }
  return s;
}
