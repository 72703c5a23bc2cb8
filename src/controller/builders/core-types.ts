// Minimal shapes of the core Kubernetes objects the builders produce: only the fields we set.
import type { OwnerReference } from "../../runtime/kube-client.js";

export interface ChildMeta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ownerReferences: OwnerReference[];
}

export interface PersistentVolumeClaim {
  apiVersion: "v1";
  kind: "PersistentVolumeClaim";
  metadata: ChildMeta;
  spec: {
    accessModes: "ReadWriteOnce"[];
    volumeMode: "Filesystem";
    resources: { requests: { storage: string } };
    storageClassName?: string;
  };
}

export interface Secret {
  apiVersion: "v1";
  kind: "Secret";
  metadata: ChildMeta;
  type: "Opaque";
  /** Base64-encoded values. */
  data: Record<string, string>;
}

export interface Job {
  apiVersion: "batch/v1";
  kind: "Job";
  metadata: ChildMeta;
  spec: {
    backoffLimit: number;
    activeDeadlineSeconds?: number;
    template: PodTemplate;
  };
}

export interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: PodSpec;
}

export interface PodSpec {
  restartPolicy: "Never";
  automountServiceAccountToken: boolean;
  enableServiceLinks: boolean;
  initContainers?: Container[];
  securityContext: PodSecurityContext;
  nodeSelector: Record<string, string>;
  containers: Container[];
  volumes: PodVolume[];
}

export interface PodSecurityContext {
  runAsNonRoot: boolean;
  runAsUser: number;
  runAsGroup: number;
  fsGroup?: number;
  supplementalGroups?: number[];
  seccompProfile: { type: "RuntimeDefault" };
}

export interface ContainerSecurityContext {
  runAsNonRoot: boolean;
  runAsUser: number;
  allowPrivilegeEscalation: boolean;
  readOnlyRootFilesystem: boolean;
  capabilities: { drop: "ALL"[]; add?: string[] };
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
  command: string[];
  env: EnvVar[];
  volumeMounts: VolumeMount[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: ContainerSecurityContext;
  terminationMessagePolicy: "File";
}

export type EnvVar =
  | { name: string; value: string }
  | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

export type PodVolume =
  | { name: string; persistentVolumeClaim: { claimName: string; readOnly?: boolean } }
  | { name: string; secret: { secretName: string } }
  | { name: string; emptyDir: { sizeLimit: string } };
