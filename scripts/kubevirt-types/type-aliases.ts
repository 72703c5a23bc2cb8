// The names the generated KubeVirt types are imported by: aliases appended to src/generated/kubevirt.ts.

/**
 * Named aliases appended to the generated types: alias -> definition name in the spec. The generator fails
 * if a definition is missing, so a spec bump cannot silently drop one.
 */
export const TYPE_ALIASES: ReadonlyArray<readonly [alias: string, definition: string]> = [
  // Top-level objects
  ["VirtualMachine", "v1.VirtualMachine"],
  ["VirtualMachineList", "v1.VirtualMachineList"],
  ["VirtualMachineSpec", "v1.VirtualMachineSpec"],
  ["VirtualMachineStatus", "v1.VirtualMachineStatus"],
  ["VirtualMachineCondition", "v1.VirtualMachineCondition"],
  ["VirtualMachineStartFailure", "v1.VirtualMachineStartFailure"],
  ["VirtualMachineInstance", "v1.VirtualMachineInstance"],
  ["VirtualMachineInstanceList", "v1.VirtualMachineInstanceList"],
  ["VirtualMachineInstanceSpec", "v1.VirtualMachineInstanceSpec"],
  ["VirtualMachineInstanceStatus", "v1.VirtualMachineInstanceStatus"],
  ["VirtualMachineInstanceCondition", "v1.VirtualMachineInstanceCondition"],
  ["VirtualMachineInstanceTemplateSpec", "v1.VirtualMachineInstanceTemplateSpec"],
  ["VirtualMachineInstanceNetworkInterface", "v1.VirtualMachineInstanceNetworkInterface"],
  ["VirtualMachineInstancePhaseTransitionTimestamp", "v1.VirtualMachineInstancePhaseTransitionTimestamp"],
  ["VirtualMachineInstanceGuestOSInfo", "v1.VirtualMachineInstanceGuestOSInfo"],
  ["VolumeStatus", "v1.VolumeStatus"],
  ["DataVolumeTemplateSpec", "v1.DataVolumeTemplateSpec"],
  ["DataVolumeSpec", "v1beta1.DataVolumeSpec"],
  // Domain
  ["DomainSpec", "v1.DomainSpec"],
  ["Devices", "v1.Devices"],
  ["Disk", "v1.Disk"],
  ["DiskTarget", "v1.DiskTarget"],
  ["CDRomTarget", "v1.CDRomTarget"],
  ["LunTarget", "v1.LunTarget"],
  ["Interface", "v1.Interface"],
  ["InterfaceBridge", "v1.InterfaceBridge"],
  ["InterfaceMasquerade", "v1.InterfaceMasquerade"],
  ["Port", "v1.Port"],
  ["Firmware", "v1.Firmware"],
  ["Bootloader", "v1.Bootloader"],
  ["BIOS", "v1.BIOS"],
  ["EFI", "v1.EFI"],
  ["KernelBoot", "v1.KernelBoot"],
  ["KernelBootContainer", "v1.KernelBootContainer"],
  ["CPU", "v1.CPU"],
  ["Memory", "v1.Memory"],
  ["Machine", "v1.Machine"],
  ["Features", "v1.Features"],
  ["Clock", "v1.Clock"],
  ["ResourceRequirements", "v1.ResourceRequirements"],
  ["Rng", "v1.Rng"],
  ["Input", "v1.Input"],
  ["Probe", "v1.Probe"],
  // Volumes
  ["Volume", "v1.Volume"],
  ["ContainerDiskSource", "v1.ContainerDiskSource"],
  ["CloudInitNoCloudSource", "v1.CloudInitNoCloudSource"],
  ["CloudInitConfigDriveSource", "v1.CloudInitConfigDriveSource"],
  ["EmptyDiskSource", "v1.EmptyDiskSource"],
  ["EphemeralVolumeSource", "v1.EphemeralVolumeSource"],
  ["HostDisk", "v1.HostDisk"],
  ["DataVolumeSource", "v1.DataVolumeSource"],
  ["PersistentVolumeClaimVolumeSource", "v1.PersistentVolumeClaimVolumeSource"],
  ["SecretVolumeSource", "v1.SecretVolumeSource"],
  ["ConfigMapVolumeSource", "v1.ConfigMapVolumeSource"],
  ["ServiceAccountVolumeSource", "v1.ServiceAccountVolumeSource"],
  ["DownwardAPIVolumeSource", "v1.DownwardAPIVolumeSource"],
  // Networks
  ["Network", "v1.Network"],
  ["PodNetwork", "v1.PodNetwork"],
  ["MultusNetwork", "v1.MultusNetwork"],
  // Access credentials
  ["AccessCredential", "v1.AccessCredential"],
  ["SSHPublicKeyAccessCredential", "v1.SSHPublicKeyAccessCredential"],
  // Kubernetes types as vendored by KubeVirt
  ["ObjectMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"],
  ["ListMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta"],
  ["LabelSelector", "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"],
  ["Quantity", "k8s.io.apimachinery.pkg.api.resource.Quantity"],
  ["Time", "k8s.io.apimachinery.pkg.apis.meta.v1.Time"],
  ["Affinity", "k8s.io.api.core.v1.Affinity"],
  ["Toleration", "k8s.io.api.core.v1.Toleration"],
  ["CorePersistentVolumeClaimVolumeSource", "k8s.io.api.core.v1.PersistentVolumeClaimVolumeSource"],
  ["LocalObjectReference", "k8s.io.api.core.v1.LocalObjectReference"],
];

/** Aliases for string fields that KubeVirt documents as enums but the spec types as plain `string`. */
export const DERIVED_ALIASES = `
/** \`status.phase\` of a VirtualMachineInstance. The spec has no enum for it, so this is \`string\`
 *  (KubeVirt uses Pending, Scheduling, Scheduled, Running, Succeeded, Failed, Unknown). */
export type VirtualMachineInstancePhase = NonNullable<NonNullable<VirtualMachineInstanceStatus>["phase"]>;
/** \`status.printableStatus\` of a VirtualMachine (plain \`string\` in the spec). */
export type VirtualMachinePrintableStatus = NonNullable<NonNullable<VirtualMachineStatus>["printableStatus"]>;
/** \`spec.runStrategy\` of a VirtualMachine (plain \`string\` in the spec, which documents Always, Halted, Manual, RerunOnFailure, Once). */
export type VirtualMachineRunStrategy = NonNullable<VirtualMachineSpec["runStrategy"]>;
`;
