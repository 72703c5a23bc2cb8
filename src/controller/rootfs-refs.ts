import { group, version } from "../api/group.js";
import type { ResourceRef } from "../runtime/kube-client.js";

export const rootfsBuildRef: ResourceRef = {
  group,
  version,
  plural: "rootfsbuilds",
  kind: "RootfsBuild",
  namespaced: true,
};
export const rootfsImageRef: ResourceRef = {
  group,
  version,
  plural: "rootfsimages",
  kind: "RootfsImage",
  namespaced: false,
};

/** Set on every build the operator works on; removed once its temporary children are gone. */
export const cleanupFinalizer = "rootfs.dev/cleanup";
