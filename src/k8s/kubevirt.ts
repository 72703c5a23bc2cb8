// KubeVirt API surface used by the operator: the generated types (src/generated/kubevirt.ts, from KubeVirt
// v1.9.0's OpenAPI spec) under short names, plus the group/version/resource coordinates.

export type {
  components as KubeVirtComponents,
  AccessCredential,
  BIOS,
  Bootloader,
  CDRomTarget,
  CloudInitNoCloudSource,
  ConfigMapVolumeSource,
  ContainerDiskSource,
  CPU,
  DataVolumeSource,
  DataVolumeSpec,
  DataVolumeTemplateSpec,
  Devices,
  Disk,
  DiskTarget,
  DomainSpec,
  EFI,
  EmptyDiskSource,
  Firmware,
  Interface,
  KernelBoot,
  Memory,
  Network,
  ObjectMeta,
  PersistentVolumeClaimVolumeSource,
  Quantity,
  ResourceRequirements,
  SecretVolumeSource,
  VirtualMachine,
  VirtualMachineCondition,
  VirtualMachineInstance,
  VirtualMachineInstanceCondition,
  VirtualMachineInstancePhase,
  VirtualMachineInstanceSpec,
  VirtualMachineInstanceStatus,
  VirtualMachineInstanceTemplateSpec,
  VirtualMachineRunStrategy,
  VirtualMachineSpec,
  VirtualMachineStatus,
  Volume,
} from "../generated/kubevirt.js";

export const KUBEVIRT_GROUP = "kubevirt.io";
export const KUBEVIRT_VERSION = "v1";
export const KUBEVIRT_API_VERSION = "kubevirt.io/v1";
export const VIRTUAL_MACHINES = "virtualmachines";
export const VIRTUAL_MACHINE_INSTANCES = "virtualmachineinstances";
