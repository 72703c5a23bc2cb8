// Pure builders of a RootfsBuild's child objects, with deterministic names.
export { namespaceOf, type BuildContext, type InstallRuntime } from "./build-context.js";
export {
  allChildNames,
  answerSecretName,
  isoChildName,
  prepareSecretName,
  type BuildChildren,
} from "./child-names.js";
export type { ChildMeta, Job, PersistentVolumeClaim, PodTemplate, Secret } from "./core-types.js";
export {
  buildLabels,
  dependentOf,
  labelValue,
  ownerReference,
  sharedLabels,
  sharedOwnerReference,
  type OwnerObject,
} from "./object-meta.js";
export { answerSecret, buildConfigJson, prepareConfigJson, prepareSecret } from "./answer-secret.js";
export { isoPvc, isoPvcSize } from "./iso-pvc.js";
export { fetchContainer, prepareJob } from "./prepare-job.js";
export { workerContainer } from "./worker-pod.js";
export { targetDiskPvc } from "./target-disk-pvc.js";
export { installVm, type InstallVirtualMachine } from "./install-vm.js";
export { extractJob } from "./extract-job.js";
export { installConsolePath, installDeadlineGraceSeconds, installJob } from "./install-job.js";
export { kvmAccess, kvmResource } from "./kvm.js";
export { resolveStorage, waitingForStoragePvc, type ResolvedStorage, type S3Storage } from "./storage.js";
