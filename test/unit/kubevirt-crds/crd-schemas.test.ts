// What the committed KubeVirt CRD schemas say about the fields the operator writes and reads.

import { test } from "node:test";
import assert from "node:assert/strict";
import { VMI_FILE, VM_FILE, at, loadCrd, schemaOf } from "./committed-crds.js";

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
