import {
  KUBEVIRT_GROUP,
  KUBEVIRT_VERSION,
  VIRTUAL_MACHINE_INSTANCES,
  VIRTUAL_MACHINES,
} from "../../k8s/kubevirt.js";
import type { ResourceRef } from "../../runtime/index.js";

export const virtualMachineRef: ResourceRef = {
  group: KUBEVIRT_GROUP,
  version: KUBEVIRT_VERSION,
  plural: VIRTUAL_MACHINES,
  kind: "VirtualMachine",
  namespaced: true,
};

export const virtualMachineInstanceRef: ResourceRef = {
  group: KUBEVIRT_GROUP,
  version: KUBEVIRT_VERSION,
  plural: VIRTUAL_MACHINE_INSTANCES,
  kind: "VirtualMachineInstance",
  namespaced: true,
};
