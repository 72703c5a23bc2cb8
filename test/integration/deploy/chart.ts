// Rendering the Helm chart with the real helm (test/harness/build-helm.sh) for the deploy tests.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse, parseAllDocuments, stringify } from "yaml";
import type { KubeObject } from "../../../src/runtime/index.js";
import { resolveHelm, runHelm, type HelmResult } from "../../harness/helm.js";
import { repoRoot } from "../../helpers/paths.js";

export const chartDir = path.join(repoRoot, "charts", "rootfs-operator");

export interface Rendered {
  /** helm template's stdout. */
  manifest: string;
  objects: KubeObject[];
}

/**
 * Values that switch on or change every option: ServiceMonitor, Secret readers, storage defaults, KVM off,
 * scheduling of the operator pods, narrowed NetworkPolicy peers, one replica (so no PodDisruptionBudget).
 */
export const optionValues = {
  replicas: 1,
  image: { repository: "registry.example/rootfs/operator", tag: "dev", pullPolicy: "Always" },
  imagePullSecrets: ["regcred"],
  nameOverride: "rfs",
  logLevel: "debug",
  workers: 8,
  serviceAccount: { create: true, name: "rootfs-controller", annotations: { "example.com/role": "ops" } },
  resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  nodeSelector: { "node-role.kubernetes.io/control-plane": "" },
  tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": "rfs" } },
          },
        },
      ],
    },
  },
  podAnnotations: { "example.com/scrape": "true" },
  builds: {
    workerImage: { repository: "registry.example/rootfs/worker", tag: "dev", pullPolicy: "Never" },
    workerResources: { cpu: "2", memory: "4Gi", scratch: "6Gi" },
    kvmDevice: false,
    kvmGroupId: 36,
    installRuntime: "pod",
    nodeSelectors: {
      x86_64: { "kubernetes.io/arch": "amd64", "example.com/kvm": "true" },
      aarch64: { "kubernetes.io/arch": "arm64" },
    },
    storageClassName: "fast-ssd",
    defaultStorage: { pvc: { claimName: "rootfs-artifacts", subPath: "catalog" } },
    sources: {
      allowPlainHTTP: true,
      allowPrivateAddresses: true,
      allowFileURLs: false,
      allowInsecureSkipChecksum: true,
      maxISOSize: "16Gi",
    },
    sharedCatalog: [
      { namespace: "compass-ci", pvc: { claimName: "os-images" } },
      { namespace: "platform", s3: { bucket: "rootfs-images", endpoint: "https://s3.example" } },
    ],
    claimDuration: "10m",
  },
  watchNamespaces: ["team-a", "team-b"],
  secretReaderNamespaces: ["team-a", "team-b"],
  crds: { install: true, keep: false },
  rbac: {
    aggregateToDefaultRoles: false,
    catalogReaders: [{ kind: "Group", name: "catalog-readers", apiGroup: "rbac.authorization.k8s.io" }],
  },
  metrics: {
    service: { enabled: true, port: 9090, annotations: { "example.com/metrics": "yes" } },
    serviceMonitor: {
      enabled: true,
      interval: "15s",
      scrapeTimeout: "5s",
      labels: { release: "prometheus" },
    },
  },
  networkPolicy: {
    enabled: true,
    ingressFrom: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
    egress: {
      apiServer: { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }], ports: [6443] },
      dns: { to: [], ports: [] },
      isoServers: { to: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [443] },
    },
    extraEgress: [
      { to: [{ ipBlock: { cidr: "198.51.100.7/32" } }], ports: [{ protocol: "TCP", port: 3128 }] },
    ],
  },
  podDisruptionBudget: { enabled: true },
};

/** Runs helm with a values file holding `values` (none when undefined). */
export async function helmWithValues(args: string[], values?: unknown): Promise<HelmResult> {
  const helm = await resolveHelm();
  if (values === undefined) return runHelm(helm, args);
  const dir = await mkdtemp(path.join(os.tmpdir(), "rootfs-chart-"));
  try {
    const file = path.join(dir, "values.yaml");
    // helm reads YAML 1.1, where an unquoted yes/no/on/off is a boolean: quote as 1.1 requires.
    await writeFile(file, stringify(values, { version: "1.1" }));
    return await runHelm(helm, [...args, "--values", file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `helm template <release> charts/rootfs-operator -n <namespace>` with `values`; throws on failure. */
export async function renderChart(
  values?: unknown,
  opts: { release?: string; namespace?: string } = {},
): Promise<Rendered> {
  const args = ["template", opts.release ?? "rootfs-operator", chartDir];
  args.push("--namespace", opts.namespace ?? "rootfs-system");
  const result = await helmWithValues(args, values);
  if (result.code !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return { manifest: result.stdout, objects: parseObjects(result.stdout) };
}

/** The objects of a multi-document manifest, skipping empty documents; fails on a YAML error. */
export function parseObjects(manifest: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value as KubeObject);
  }
  return objects;
}

export function ofKind<T = KubeObject>(objects: KubeObject[], kind: string): (KubeObject & T)[] {
  return objects.filter((o) => o.kind === kind) as (KubeObject & T)[];
}

export function only<T = KubeObject>(objects: KubeObject[], kind: string): KubeObject & T {
  const found = ofKind<T>(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as KubeObject & T;
}

interface Container {
  args: string[];
  env: { name: string; value: string }[];
  image: string;
  imagePullPolicy: string;
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
export interface Deployment {
  spec: {
    replicas: number;
    template: {
      metadata: { annotations: Record<string, string> };
      spec: Record<string, unknown> & { containers: Container[]; securityContext: Record<string, unknown> };
    };
  };
}

/** The operator configuration (operator.yaml) in the rendered ConfigMap. */
export const configOf = (objects: Awaited<ReturnType<typeof renderChart>>["objects"]): unknown => {
  const configMap = only<{ data: Record<string, string> }>(objects, "ConfigMap");
  return parse(configMap.data["operator.yaml"] ?? "");
};
