// The committed KubeVirt CRDs as definitions: names and versions as KubeVirt registers them, and schemas a
// real apiserver accepts as structural.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { MAX_CRD_BYTES } from "../../../scripts/gen-kubevirt.js";
import type { JSONSchemaProps } from "../../../scripts/kubevirt-crd/schema-types.js";
import { findRefs, structuralViolations } from "../../../scripts/kubevirt-crd/structural-checks.js";
import { VMI_FILE, VM_FILE, loadCrd, root, schemaOf } from "./committed-crds.js";

test("CRDs: names, scope, subresources as KubeVirt registers them", () => {
  const vm = loadCrd(VM_FILE);
  const vmi = loadCrd(VMI_FILE);
  for (const [crd, kind, plural, shortNames] of [
    [vm, "VirtualMachine", "virtualmachines", ["vm", "vms"]],
    [vmi, "VirtualMachineInstance", "virtualmachineinstances", ["vmi", "vmis"]],
  ] as const) {
    assert.equal(crd.apiVersion, "apiextensions.k8s.io/v1");
    assert.equal(crd.kind, "CustomResourceDefinition");
    assert.equal(crd.metadata.name, `${plural}.kubevirt.io`);
    assert.equal(crd.spec.group, "kubevirt.io");
    assert.equal(crd.spec.scope, "Namespaced");
    assert.equal(crd.spec.names.kind, kind);
    assert.equal(crd.spec.names.listKind, `${kind}List`);
    assert.equal(crd.spec.names.plural, plural);
    assert.deepEqual(crd.spec.names.shortNames, shortNames);
    assert.equal(crd.spec.versions.length, 1);
    const v = crd.spec.versions[0];
    assert.ok(v);
    assert.equal(v.name, "v1");
    assert.equal(v.served, true);
    assert.equal(v.storage, true);
  }
  // KubeVirt: the VM has a status subresource, the VMI does not (virt-handler updates VMI status in place).
  assert.deepEqual(vm.spec.versions[0]?.subresources, { status: {} });
  assert.equal(vmi.spec.versions[0]?.subresources, undefined);
});

test("CRDs: no $ref, structural, under the size limit, header names the source", () => {
  for (const file of [VM_FILE, VMI_FILE]) {
    const text = readFileSync(path.join(root, file), "utf8");
    assert.ok(Buffer.byteLength(text) < MAX_CRD_BYTES, `${file} is under ${MAX_CRD_BYTES} bytes`);
    assert.match(
      text,
      /^# .*\n# KubeVirt v1\.9\.0 `api\/openapi-spec\/swagger\.json` \(commit 79d34c1762169e5b0370ec491cef5ca12e6b504c\)/,
    );
    const crd = loadCrd(file);
    assert.deepEqual(findRefs(crd), [], `${file} has no $ref`);
    assert.deepEqual(structuralViolations(schemaOf(crd)), [], `${file} is structural`);
  }
});

test("CRD schemas: every node with properties is an object, every array has items", () => {
  const walk = (s: JSONSchemaProps, p: string): void => {
    if (s.properties !== undefined || s.additionalProperties !== undefined) assert.equal(s.type, "object", p);
    if (s.type === "array") assert.ok(s.items, `${p} has items`);
    const raw = s as Record<string, unknown>;
    for (const forbidden of [
      "$ref",
      "default",
      "x-kubernetes-patch-strategy",
      "x-kubernetes-patch-merge-key",
    ]) {
      assert.ok(!(forbidden in raw), `${p} has no ${forbidden}`);
    }
    if (s.type === undefined) {
      assert.ok(
        s["x-kubernetes-int-or-string"] === true || s["x-kubernetes-preserve-unknown-fields"] === true,
        `${p} has a type`,
      );
    }
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${p}.${k}`);
    if (s.items) walk(s.items, `${p}[]`);
    if (s.additionalProperties) walk(s.additionalProperties, `${p}{}`);
  };
  walk(schemaOf(loadCrd(VM_FILE)), "vm");
  walk(schemaOf(loadCrd(VMI_FILE)), "vmi");
});
