// The test plays the parts no process plays in this control plane: the Job controller and kubelet (a Pod
// per finished Job, with the worker's termination message) and KubeVirt (a VMI per VM).
export * from "./children.js";
export { configFilesOf, type SecretVolume } from "./config-secrets.js";
export * from "./finish-job.js";
export * from "./finish-vm.js";
export * from "./play-cluster.js";
export * from "./worker-reports.js";
