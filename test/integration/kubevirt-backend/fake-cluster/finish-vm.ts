// Plays KubeVirt for one install VM: its finished instance.
import {
  virtualMachineRef,
  virtualMachineInstanceRef,
} from "../../../../src/controller/kubevirt-backend/index.js";
import type { KubeObject } from "../../../../src/runtime/index.js";
import { namespace, type Env } from "../env.js";
import { assertSecretsExist, type SecretVolume } from "./config-secrets.js";

/** Plays KubeVirt: the VM's instance, from its template, in `phase`. */
export async function finishVm(env: Env, vm: KubeObject, phase: "Succeeded" | "Failed"): Promise<void> {
  const stored = await env.client.get(virtualMachineRef, vm.metadata.name, namespace);
  const template = (
    stored.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { volumes?: SecretVolume[] } };
    }
  ).template;
  await assertSecretsExist(env, template.spec.volumes, `VM ${stored.metadata.name}`);
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await env.client.create(virtualMachineInstanceRef, {
    metadata: {
      name: stored.metadata.name,
      namespace,
      labels: template.metadata.labels,
      ownerReferences: [
        {
          apiVersion: "kubevirt.io/v1",
          kind: "VirtualMachine",
          name: stored.metadata.name,
          uid: stored.metadata.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec,
    status: {
      phase,
      phaseTransitionTimestamps: [{ phase, phaseTransitionTimestamp: now }],
      ...(phase === "Failed" && { reason: "GuestCrashed" }),
    },
  });
}
