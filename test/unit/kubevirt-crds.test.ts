// The KubeVirt artefacts generated from ../shared/kubevirt/swagger-v1.9.0.json: committed files are what the
// generator produces now, the CRDs are structural, and they accept/reject what a real apiserver would.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { CRD_DIR, MAX_CRD_BYTES, TYPES_FILE, generateAll, repoRoot } from "../../scripts/gen-kubevirt.js";
import type {
  CustomResourceDefinition,
  JSONSchemaProps,
  SwaggerDocument,
} from "../../scripts/kubevirt-crd.js";
import {
  KUBEVIRT_KINDS,
  SpecError,
  findRefs,
  structuralSchema,
  structuralViolations,
} from "../../scripts/kubevirt-crd.js";
import type { VirtualMachine, VirtualMachineInstance } from "../../src/k8s/kubevirt.js";
import { KUBEVIRT_API_VERSION } from "../../src/k8s/kubevirt.js";

const root = repoRoot();
const VM_FILE = `${CRD_DIR}/virtualmachines.kubevirt.io.yaml`;
const VMI_FILE = `${CRD_DIR}/virtualmachineinstances.kubevirt.io.yaml`;

const parsed = new Map<string, CustomResourceDefinition>();
/** The committed CRD at `file`, parsed once. Tests must not mutate it. */
function loadCrd(file: string): CustomResourceDefinition {
  let crd = parsed.get(file);
  if (crd === undefined) {
    crd = parse(readFileSync(path.join(root, file), "utf8")) as CustomResourceDefinition;
    parsed.set(file, crd);
  }
  return crd;
}

function schemaOf(crd: CustomResourceDefinition): JSONSchemaProps {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  assert.ok(schema, `${crd.metadata.name} has a schema`);
  return schema;
}

/** The sub-schema at a dotted path of property names ("spec.template.spec"); `[]` steps into array items. */
function at(schema: JSONSchemaProps, dotted: string): JSONSchemaProps {
  let s = schema;
  for (const step of dotted.split(".")) {
    const next = step === "[]" ? s.items : s.properties?.[step];
    assert.ok(next, `schema has ${dotted} (stuck at ${step})`);
    s = next;
  }
  return s;
}

test("committed KubeVirt types and CRDs are what the generator produces now", async () => {
  const files = await generateAll(root);
  assert.deepEqual([...files.keys()].sort(), [TYPES_FILE, VMI_FILE, VM_FILE].sort());
  for (const [file, expected] of files) {
    const actual = readFileSync(path.join(root, file), "utf8");
    if (actual !== expected) {
      const a = actual.split("\n");
      const e = expected.split("\n");
      const line = a.findIndex((l, i) => l !== e[i]);
      assert.fail(
        `${file} is stale (first difference at line ${line + 1}: ${JSON.stringify(a[line])} vs generated ${JSON.stringify(e[line])}). Run \`npm run gen:kubevirt\`.`,
      );
    }
  }
});

test("gen-kubevirt --check exits 0 on an up-to-date tree, 2 on bad usage", () => {
  const script = path.join(root, "dist/scripts/gen-kubevirt.js");
  const ok = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  const bad = spawnSync(process.execPath, [script, "--frobnicate"], { encoding: "utf8" });
  assert.equal(bad.status, 2);
});

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

test("VM schema: spec.template is required and typed; special types mapped", () => {
  const s = schemaOf(loadCrd(VM_FILE));
  assert.equal(s.type, "object");
  assert.deepEqual(s.required, ["spec"]);
  assert.deepEqual(s.properties?.["metadata"], { type: "object" });
  assert.equal(at(s, "apiVersion").type, "string");

  const spec = at(s, "spec");
  assert.equal(spec.type, "object");
  assert.ok(spec.required?.includes("template"), "spec.template is required");
  const template = at(s, "spec.template");
  assert.equal(template.type, "object");
  assert.equal(at(s, "spec.template.spec").type, "object");
  assert.deepEqual(at(s, "spec.template.spec").required, ["domain"]);
  assert.deepEqual(at(s, "spec.template.spec.domain").required, ["devices"]);
  assert.equal(at(s, "spec.runStrategy").type, "string");

  // Embedded ObjectMeta stays permissive.
  assert.deepEqual(at(s, "spec.template.metadata"), {
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
  });
  assert.equal(at(s, "spec.dataVolumeTemplates.[].metadata")["x-kubernetes-preserve-unknown-fields"], true);

  // Quantity -> int-or-string with the quantity pattern.
  const guest = at(s, "spec.template.spec.domain.memory.guest");
  assert.equal(guest["x-kubernetes-int-or-string"], true);
  assert.deepEqual(guest.anyOf, [{ type: "integer" }, { type: "string" }]);
  assert.ok(guest.pattern);
  const requests = at(s, "spec.template.spec.domain.resources.requests");
  assert.equal(requests.type, "object");
  assert.equal(requests.additionalProperties?.["x-kubernetes-int-or-string"], true);

  // IntOrString (spec'd as type ["string","number"]) -> int-or-string, no pattern.
  const { description: portDescription, ...port } = at(s, "spec.template.spec.readinessProbe.httpGet.port");
  assert.match(portDescription ?? "", /port/i);
  assert.deepEqual(port, {
    anyOf: [{ type: "integer" }, { type: "string" }],
    "x-kubernetes-int-or-string": true,
  });

  // ["string","null"] -> nullable string; metav1.Time -> date-time string.
  const cond = at(s, "status.conditions.[]");
  assert.deepEqual(cond.required, ["type", "status"]);
  assert.equal(at(s, "status.conditions.[].lastTransitionTime").nullable, true);
  assert.equal(at(s, "status.conditions.[].lastTransitionTime").type, "string");
  assert.equal(at(s, "status.startFailure.retryAfterTimestamp").format, "date-time");

  // Volume sources the operator uses.
  const volume = at(s, "spec.template.spec.volumes.[]");
  assert.deepEqual(volume.required, ["name"]);
  assert.equal(at(s, "spec.template.spec.volumes.[].secret.volumeLabel").type, "string");
  assert.equal(at(s, "spec.template.spec.volumes.[].configMap.volumeLabel").type, "string");
  assert.deepEqual(at(s, "spec.template.spec.volumes.[].persistentVolumeClaim").required, ["claimName"]);
});

test("VMI schema mirrors the VM template spec", () => {
  const vm = schemaOf(loadCrd(VM_FILE));
  const vmi = schemaOf(loadCrd(VMI_FILE));
  assert.deepEqual(vmi.required, ["spec"]);
  assert.deepEqual(at(vmi, "spec"), {
    ...at(vm, "spec.template.spec"),
    description: at(vmi, "spec").description,
  });
  assert.equal(at(vmi, "status.phase").type, "string");
  assert.equal(at(vmi, "status.interfaces.[].ipAddress").type, "string");
});

// ---------------------------------------------------------------------------------------------------------
// Behaviour: validate objects against the schema with Ajv (an approximation of the apiserver's OpenAPI
// validation: same keywords, minus pruning).

function validator(schema: JSONSchemaProps): (obj: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const kw of [
    "x-kubernetes-int-or-string",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-list-type",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
  ]) {
    ajv.addKeyword(kw);
  }
  const validate = ajv.compile(schema);
  return (obj) =>
    validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? e.keyword}`);
}

/** A VM like the operator builds: boot an installer ISO from a PVC, write the rootfs to another PVC. */
function sampleVm(): VirtualMachine {
  return {
    apiVersion: KUBEVIRT_API_VERSION,
    kind: "VirtualMachine",
    metadata: { name: "rootfs-build-abc", namespace: "default", labels: { app: "rootfs" } },
    spec: {
      runStrategy: "Once",
      template: {
        metadata: { labels: { app: "rootfs" } },
        spec: {
          domain: {
            cpu: { cores: 2 },
            memory: { guest: "2Gi" },
            resources: { requests: { memory: "2Gi", cpu: 1 } },
            firmware: { bootloader: { efi: { secureBoot: false } } },
            devices: {
              disks: [
                { name: "installer", cdrom: { bus: "sata", readonly: true }, bootOrder: 1 },
                { name: "target", disk: { bus: "virtio" } },
                { name: "ks", cdrom: { bus: "sata" } },
              ],
              interfaces: [{ name: "default", masquerade: {} }],
            },
          },
          networks: [{ name: "default", pod: {} }],
          volumes: [
            { name: "installer", persistentVolumeClaim: { claimName: "iso", readOnly: true } },
            { name: "target", persistentVolumeClaim: { claimName: "rootfs" } },
            { name: "ks", secret: { secretName: "kickstart", volumeLabel: "OEMDRV" } },
          ],
        },
      },
    },
  };
}

test("VM CRD accepts a typed VM and rejects invalid ones", () => {
  const check = validator(schemaOf(loadCrd(VM_FILE)));
  assert.deepEqual(check(sampleVm()), []);

  const noTemplate: Record<string, unknown> = { ...sampleVm(), spec: { runStrategy: "Always" } };
  assert.ok(
    check(noTemplate).some((e) => e.includes("template")),
    "missing spec.template is rejected",
  );

  const noSpec: Record<string, unknown> = { ...sampleVm() };
  delete noSpec["spec"];
  assert.notDeepEqual(check(noSpec), [], "missing spec is rejected");

  const badDisks = sampleVm() as unknown as {
    spec: { template: { spec: { domain: { devices: unknown } } } };
  };
  badDisks.spec.template.spec.domain.devices = { disks: "installer" };
  assert.ok(
    check(badDisks).some((e) => e.includes("/devices/disks")),
    "disks must be an array",
  );

  const badQuantity = sampleVm();
  const domain = badQuantity.spec.template.spec?.domain;
  assert.ok(domain);
  domain.memory = { guest: "two gigabytes" };
  assert.ok(
    check(badQuantity).some((e) => e.includes("/memory/guest")),
    "a non-quantity string is rejected",
  );

  const badRunStrategy = sampleVm() as unknown as { spec: { runStrategy: unknown } };
  badRunStrategy.spec.runStrategy = 3;
  assert.ok(
    check(badRunStrategy).some((e) => e.includes("/spec/runStrategy")),
    "runStrategy must be a string",
  );

  const unnamedVolume = sampleVm() as unknown as { spec: { template: { spec: { volumes: object[] } } } };
  unnamedVolume.spec.template.spec.volumes.push({ emptyDisk: { capacity: "1Gi" } });
  assert.ok(
    check(unnamedVolume).some((e) => e.includes("name")),
    "volumes need a name",
  );
});

test("VMI CRD accepts a VMI built from the VM template", () => {
  const check = validator(schemaOf(loadCrd(VMI_FILE)));
  const template = sampleVm().spec.template;
  assert.ok(template.spec);
  const vmi: VirtualMachineInstance = {
    apiVersion: KUBEVIRT_API_VERSION,
    kind: "VirtualMachineInstance",
    metadata: { name: "rootfs-build-abc" },
    spec: template.spec,
    status: { phase: "Running", interfaces: [{ name: "default", ipAddress: "10.0.0.5" }] },
  };
  assert.deepEqual(check(vmi), []);
  assert.notDeepEqual(check({ ...vmi, spec: { domain: {} } }), [], "domain.devices is required");
});

// ---------------------------------------------------------------------------------------------------------
// The converter on synthetic specs: quirks the v1.9.0 spec does not (or not reachably) exercise.

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
