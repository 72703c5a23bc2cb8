import { assertNever } from "../../lib/assert-never.js";
import { answerVolumeFor, needsUefi, type Arch } from "../../installers/index.js";
import {
  KUBEVIRT_API_VERSION,
  type Bootloader,
  type Disk,
  type VirtualMachine,
  type Volume,
} from "../../k8s/kubevirt.js";
import type { BuildContext } from "./build-context.js";
import { allChildNames, answerSecretName } from "./child-names.js";
import type { ChildMeta } from "./core-types.js";
import { buildChildMeta, type OwnerObject } from "./object-meta.js";

export type InstallVirtualMachine = VirtualMachine & {
  apiVersion: typeof KUBEVIRT_API_VERSION;
  kind: "VirtualMachine";
  metadata: ChildMeta;
};

/**
 * The VM that boots the remastered ISO once and installs onto the target disk. Offline (the default) it has
 * no network: the installer reads everything from the ISO (and the answer side volume), and powers off
 * when done. With spec.install.network it gets the pod network (masquerade), labelled so that a
 * NetworkPolicy lets it reach the mirror only (docs/network-installs.md).
 */
export function installVm(ctx: BuildContext, targetDiskPvc: OwnerObject): InstallVirtualMachine {
  const names = allChildNames(ctx);
  const { arch } = ctx.build.spec.os;
  const { cpu, memory } = ctx.build.spec.install.vm;
  const meta = buildChildMeta(ctx, names.installVm, "install");
  const cdromBus = cdromBusFor(arch);
  const answer = answerVolumeFor(ctx.plan.profile);

  // The target disk goes first: the answer files partition the first virtio disk (vda).
  const disks: Disk[] = [
    { name: "target", disk: { bus: "virtio" }, bootOrder: 2 },
    { name: "installer", cdrom: { bus: cdromBus, readonly: true }, bootOrder: 1 },
  ];
  const volumes: Volume[] = [
    { name: "target", persistentVolumeClaim: { claimName: names.targetDiskPvc } },
    { name: "installer", persistentVolumeClaim: { claimName: names.isoPvc, readOnly: true } },
  ];
  if (answer.kind === "side-volume") {
    disks.push({ name: "answers", cdrom: { bus: cdromBus, readonly: true } });
    volumes.push({
      name: "answers",
      secret: { secretName: answerSecretName(ctx, targetDiskPvc), volumeLabel: answer.label },
    });
  }

  const network = ctx.build.spec.install.network !== undefined;
  return {
    apiVersion: KUBEVIRT_API_VERSION,
    kind: "VirtualMachine",
    metadata: meta,
    spec: {
      runStrategy: "Once",
      template: {
        metadata: { labels: { ...meta.labels, ...(network && { [installNetworkLabel]: "mirror" }) } },
        spec: {
          architecture: kubevirtArchitecture(arch),
          nodeSelector: { ...ctx.config.nodeSelectors[arch] },
          terminationGracePeriodSeconds: 0,
          domain: {
            cpu: { cores: cpu },
            memory: { guest: memory },
            resources: { requests: { memory } },
            firmware: { bootloader: bootloaderFor(arch) },
            devices: {
              autoattachPodInterface: false,
              autoattachSerialConsole: true,
              // Streams the serial console to the virt-launcher's guest-console-log container, where the
              // controller follows the installer's progress.
              logSerialConsole: true,
              interfaces: network ? [{ name: "mirror", masquerade: {} }] : [],
              disks,
            },
          },
          networks: network ? [{ name: "mirror", pod: {} }] : [],
          volumes,
        },
      },
    },
  };
}

/** On the virt-launcher Pods of install VMs that reach a mirror; a NetworkPolicy selects them by it. */
export const installNetworkLabel = "rootfs.dev/install-network";

/** aarch64 "virt" machines have no SATA controller; x86_64 installers find a SATA CD-ROM everywhere. */
function cdromBusFor(arch: Arch): "sata" | "scsi" {
  switch (arch) {
    case "x86_64":
      return "sata";
    case "aarch64":
      return "scsi";
    default:
      return assertNever(arch);
  }
}

function bootloaderFor(arch: Arch): Bootloader {
  return needsUefi(arch) ? { efi: { secureBoot: false } } : { bios: {} };
}

/** KubeVirt names architectures like Go does; unset, it assumes the cluster's default architecture. */
function kubevirtArchitecture(arch: Arch): "amd64" | "arm64" {
  switch (arch) {
    case "x86_64":
      return "amd64";
    case "aarch64":
      return "arm64";
    default:
      return assertNever(arch);
  }
}
