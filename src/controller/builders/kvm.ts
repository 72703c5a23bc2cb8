import type { BuildContext } from "./build-context.js";

/** The extended resource KubeVirt's virt-handler (or any device plugin) offers /dev/kvm as. */
export const kvmResource = "devices.kubevirt.io/kvm";

/** What a worker Pod that uses /dev/kvm asks for, when the operator's config says nodes offer it. */
export interface KvmAccess {
  limits: Record<string, string>;
  /** The group owning /dev/kvm (config kvmGroupId), so a non-root worker may open it. */
  supplementalGroups?: number[];
}

export function kvmAccess(ctx: BuildContext): KvmAccess {
  const { kvmDevice, kvmGroupId } = ctx.config;
  if (!kvmDevice) return { limits: {} };
  return {
    limits: { [kvmResource]: "1" },
    ...(kvmGroupId !== undefined && { supplementalGroups: [kvmGroupId] }),
  };
}
