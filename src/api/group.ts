/** The API group and version every rootfs-operator resource is served under. */
export const group = "rootfs.dev";
export const version = "v1alpha1";
export const apiVersion = `${group}/${version}`;
