// The committed KubeVirt CRDs accept the objects the operator builds and reject invalid ones, validated with
// Ajv (an approximation of the apiserver's OpenAPI validation: same keywords, minus pruning).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import type { JSONSchemaProps } from "../../../scripts/kubevirt-crd/schema-types.js";
import type { VirtualMachine, VirtualMachineInstance } from "../../../src/k8s/kubevirt.js";
import { KUBEVIRT_API_VERSION } from "../../../src/k8s/kubevirt.js";
import { VMI_FILE, VM_FILE, loadCrd, schemaOf } from "./committed-crds.js";

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
