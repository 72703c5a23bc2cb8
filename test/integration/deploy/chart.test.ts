// The Helm chart rendered and linted by the real helm: what it renders, the operator configuration it
// writes, the values its schema rejects, and deploy/ kept in step with it.
import type { KubeObject } from "../../../src/runtime/index.js";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { renderDeployFiles } from "../../../scripts/deploy-files.js";
import { resolveHelm } from "../../harness/helm.js";
import { repoRoot } from "../../helpers/paths.js";
import { chartDir, helmWithValues, ofKind, only, optionValues, parseObjects, renderChart } from "./chart.js";

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
interface Deployment {
  spec: {
    replicas: number;
    template: {
      metadata: { annotations: Record<string, string> };
      spec: Record<string, unknown> & { containers: Container[]; securityContext: Record<string, unknown> };
    };
  };
}

const configOf = (objects: Awaited<ReturnType<typeof renderChart>>["objects"]): unknown => {
  const configMap = only<{ data: Record<string, string> }>(objects, "ConfigMap");
  return parse(configMap.data["operator.yaml"] ?? "");
};

describe("Helm chart", () => {
  test("helm lint --strict passes with the default values and with every option set", async () => {
    for (const values of [undefined, optionValues]) {
      const result = await helmWithValues(["lint", "--strict", chartDir], values);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.doesNotMatch(result.stdout, /\[(WARNING|ERROR)\]/);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });

  test("the default values render the operator with leader election, hardened, probed, with its config", async () => {
    const { objects } = await renderChart();
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    assert.deepEqual(kinds, [
      "ClusterRole/rootfs-operator",
      "ClusterRole/rootfs-operator-catalog",
      "ClusterRole/rootfs-operator-catalog-reader",
      "ClusterRole/rootfs-operator-edit",
      "ClusterRole/rootfs-operator-view",
      "ClusterRoleBinding/rootfs-operator",
      "ClusterRoleBinding/rootfs-operator-catalog",
      "ConfigMap/rootfs-operator-config",
      "CustomResourceDefinition/rootfsbuilds.rootfs.dev",
      "CustomResourceDefinition/rootfsimages.rootfs.dev",
      "Deployment/rootfs-operator",
      "NetworkPolicy/rootfs-operator",
      "PodDisruptionBudget/rootfs-operator",
      "Role/rootfs-operator-leases",
      "RoleBinding/rootfs-operator-leases",
      "Service/rootfs-operator-metrics",
      "ServiceAccount/rootfs-operator",
    ]);
    for (const o of objects) {
      if (!o.kind?.startsWith("Cluster") && o.kind !== "CustomResourceDefinition")
        assert.equal(o.metadata.namespace, "rootfs-system", `${o.kind} ${o.metadata.name}`);
    }
    const deployment = only<Deployment>(objects, "Deployment");
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.ok(container);
    assert.deepEqual(container.args, [
      "operator",
      "--backend",
      "kubevirt",
      "--config",
      "/etc/rootfs-operator/operator.yaml",
      "--leader-elect",
      "--health-address",
      ":8080",
      "--workers",
      "4",
    ]);
    assert.equal(container.image, "ghcr.io/rootfs-operator/operator:0.1.0");
    assert.deepEqual(container.env, [{ name: "LOG_LEVEL", value: "info" }]);
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "http" });
    assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "http" });
    assert.deepEqual(container.securityContext, {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
    assert.deepEqual(
      container.volumeMounts.map((m) => m.mountPath),
      ["/etc/rootfs-operator", "/tmp"],
    );
    assert.equal(
      only<{ spec: { maxUnavailable: number } }>(objects, "PodDisruptionBudget").spec.maxUnavailable,
      1,
    );
  });

  test("the default operator configuration is the code's own defaults, in the release namespace", async () => {
    const config = configOf((await renderChart(undefined, { namespace: "builds-system" })).objects);
    assert.deepEqual(config, operatorConfigSchema.parse({ namespace: "builds-system" }));
  });

  test("every option reaches its object, and the configuration names only keys the operator knows", async () => {
    const { objects } = await renderChart(optionValues, { release: "opt", namespace: "opt-system" });
    const config = configOf(objects);
    // Parsing fills defaults and drops unknown keys: equal means every key is known and explicit.
    assert.deepEqual(operatorConfigSchema.parse(config), config);
    assert.deepEqual(config, {
      namespace: "opt-system",
      workerImage: "registry.example/rootfs/worker:dev",
      workerImagePullPolicy: "Never",
      storageClassName: "fast-ssd",
      kvmDevice: false,
      kvmGroupId: 36,
      installRuntime: "pod",
      nodeSelectors: optionValues.builds.nodeSelectors,
      defaultStorage: { pvc: { claimName: "rootfs-artifacts", subPath: "catalog" } },
      workerResources: optionValues.builds.workerResources,
      sources: optionValues.builds.sources,
      catalog: { shared: optionValues.builds.sharedCatalog },
      claimDuration: "10m",
      watchNamespaces: ["team-a", "team-b"],
    });
    const deployment = only<Deployment>(objects, "Deployment");
    assert.equal(deployment.metadata.name, "opt-rfs");
    assert.equal(deployment.spec.replicas, 1);
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    assert.ok(container);
    assert.equal(container.image, "registry.example/rootfs/operator:dev");
    assert.equal(container.imagePullPolicy, "Always");
    assert.deepEqual(container.args.slice(-2), ["--workers", "8"]);
    assert.deepEqual(container.env, [{ name: "LOG_LEVEL", value: "debug" }]);
    assert.equal(pod.serviceAccountName, "rootfs-controller");
    assert.deepEqual(pod.imagePullSecrets, [{ name: "regcred" }]);
    assert.deepEqual(pod.nodeSelector, optionValues.nodeSelector);
    assert.deepEqual(pod.tolerations, optionValues.tolerations);
    assert.deepEqual(pod.affinity, optionValues.affinity);
    assert.equal(deployment.spec.template.metadata.annotations["example.com/scrape"], "true");
    assert.deepEqual(ofKind(objects, "PodDisruptionBudget"), [], "no PodDisruptionBudget for one replica");
    assert.deepEqual(
      ofKind(objects, "ClusterRole")
        .map((r) => r.metadata.name)
        .sort(),
      ["opt-rfs", "opt-rfs-catalog", "opt-rfs-catalog-reader", "opt-rfs-secret-reader"],
    );
    const monitor = only<{ spec: { endpoints: unknown[] } }>(objects, "ServiceMonitor");
    assert.equal(monitor.metadata.labels?.release, "prometheus");
    assert.deepEqual(monitor.spec.endpoints, [
      { port: "metrics", path: "/metrics", interval: "15s", scrapeTimeout: "5s" },
    ]);
    const service = only<{ spec: { ports: { port: number }[] } }>(objects, "Service");
    assert.equal(service.spec.ports[0]?.port, 9090);
    for (const crd of ofKind(objects, "CustomResourceDefinition")) {
      assert.equal(crd.metadata.annotations?.["helm.sh/resource-policy"], undefined, "crds.keep=false");
    }
    const policy = only<{ spec: { ingress: unknown[]; egress: unknown[] } }>(objects, "NetworkPolicy");
    assert.deepEqual(policy.spec.ingress, [
      { from: optionValues.networkPolicy.ingressFrom, ports: [{ protocol: "TCP", port: 8080 }] },
    ]);
    assert.deepEqual(policy.spec.egress, [
      { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }], ports: [{ protocol: "TCP", port: 6443 }] },
      { to: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] },
      ...optionValues.networkPolicy.extraEgress,
    ]);
  });

  test("a configuration change rolls the operator pods (checksum annotation); other changes do not", async () => {
    const checksum = async (values?: unknown) =>
      only<Deployment>((await renderChart(values)).objects, "Deployment").spec.template.metadata.annotations[
        "checksum/config"
      ];
    const base = await checksum();
    assert.match(base ?? "", /^[0-9a-f]{64}$/);
    assert.notEqual(await checksum({ builds: { kvmDevice: false } }), base);
    assert.equal(await checksum({ logLevel: "debug" }), base);
  });

  test("switches: no CRDs, no NetworkPolicy, no metrics Service, no aggregated roles, no PDB", async () => {
    const { objects } = await renderChart({
      crds: { install: false },
      networkPolicy: { enabled: false },
      metrics: { service: { enabled: false } },
      rbac: { aggregateToDefaultRoles: false },
      podDisruptionBudget: { enabled: false },
      serviceAccount: { create: false, name: "existing" },
    });
    for (const kind of [
      "CustomResourceDefinition",
      "NetworkPolicy",
      "Service",
      "PodDisruptionBudget",
      "ServiceAccount",
    ])
      assert.deepEqual(ofKind(objects, kind), [], kind);
    // Only the aggregated roles go: the catalog-reader role is bound by catalogReaders, not aggregated.
    assert.deepEqual(
      ofKind(objects, "ClusterRole")
        .map((r) => r.metadata.name)
        .sort(),
      ["rootfs-operator", "rootfs-operator-catalog", "rootfs-operator-catalog-reader"],
    );
    for (const binding of ofKind<KubeObject & { subjects: { name: string }[] }>(
      objects,
      "ClusterRoleBinding",
    ))
      assert.deepEqual(
        binding.subjects.map((s) => s.name),
        ["existing"],
      );
  });

  test("the chart's CRDs are crds/*.yaml plus the chart's labels and resource policy", async () => {
    const { objects } = await renderChart();
    const crds = ofKind(objects, "CustomResourceDefinition");
    assert.equal(crds.length, 2);
    for (const crd of crds) {
      const file = path.join(repoRoot, "crds", `${crd.metadata.name}.yaml`);
      const plain = parse(await readFile(file, "utf8")) as { metadata: object };
      assert.equal(crd.metadata.annotations?.["helm.sh/resource-policy"], "keep");
      assert.equal(crd.metadata.labels?.["app.kubernetes.io/instance"], "rootfs-operator");
      assert.deepEqual(
        { ...crd, metadata: { name: crd.metadata.name } },
        plain,
        `${file} and the chart differ`,
      );
    }
  });

  // Each must be rejected by values.schema.json, with helm naming the value and what is wrong.
  const badValues: { why: string; values: unknown; message: string }[] = [
    {
      why: "negative replicas",
      values: { replicas: -1 },
      message: "at '/replicas': minimum: got -1, want 0",
    },
    {
      why: "fractional replicas",
      values: { replicas: 1.5 },
      message: "at '/replicas': got number, want integer",
    },
    {
      why: "replicas as a string",
      values: { replicas: "2" },
      message: "at '/replicas': got string, want integer",
    },
    { why: "zero workers", values: { workers: 0 }, message: "at '/workers': minimum: got 0, want 1" },
    {
      why: "an unknown top-level key",
      values: { operatorImage: "x" },
      message: "additional properties 'operatorImage' not allowed",
    },
    {
      why: "a misspelt nested key",
      values: { builds: { kvmDevices: false } },
      message: "at '/builds': additional properties 'kvmDevices' not allowed",
    },
    {
      why: "an unknown log level",
      values: { logLevel: "verbose" },
      message: "at '/logLevel': value must be one of",
    },
    {
      why: "an unknown operator pull policy",
      values: { image: { pullPolicy: "Sometimes" } },
      message: "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'",
    },
    {
      why: "an unknown worker pull policy",
      values: { builds: { workerImage: { pullPolicy: "always" } } },
      message: "at '/builds/workerImage/pullPolicy': value must be one of",
    },
    {
      why: "an empty operator image repository",
      values: { image: { repository: "" } },
      message: "at '/image/repository': minLength: got 0, want 1",
    },
    {
      why: "kvmDevice as a string",
      values: { builds: { kvmDevice: "yes" } },
      message: "at '/builds/kvmDevice': got string, want boolean",
    },
    {
      why: "a worker memory that is no quantity",
      values: { builds: { workerResources: { memory: "2 GB" } } },
      message: "at '/builds/workerResources/memory'",
    },
    {
      why: "a node selector for an unknown architecture",
      values: { builds: { nodeSelectors: { riscv64: {} } } },
      message: "at '/builds/nodeSelectors': additional properties 'riscv64' not allowed",
    },
    {
      why: "a node selector value that is not a string",
      values: { builds: { nodeSelectors: { x86_64: { "example.com/cores": 8 } } } },
      message: "at '/builds/nodeSelectors/x86_64/example.com~1cores': got number, want string",
    },
    {
      why: "a default PVC name that is not a DNS label",
      values: { builds: { defaultStorage: { pvc: { claimName: "Rootfs_Artifacts" } } } },
      message: "at '/builds/defaultStorage/pvc/claimName'",
    },
    {
      why: "a default sub-path leaving the PVC",
      values: { builds: { defaultStorage: { pvc: { claimName: "a", subPath: "../other" } } } },
      message: "at '/builds/defaultStorage/pvc/subPath': 'not' failed",
    },
    {
      why: "an absolute default sub-path",
      values: { builds: { defaultStorage: { pvc: { claimName: "a", subPath: "/srv" } } } },
      message: "at '/builds/defaultStorage/pvc/subPath': 'not' failed",
    },
    {
      why: "secretReaderNamespaces as a string",
      values: { secretReaderNamespaces: "team-a" },
      message: "at '/secretReaderNamespaces': got string, want array",
    },
    {
      why: "a secret reader namespace that is no namespace name",
      values: { secretReaderNamespaces: ["Team A"] },
      message: "at '/secretReaderNamespaces/0'",
    },
    {
      why: "crds.install as a string",
      values: { crds: { install: "false" } },
      message: "at '/crds/install': got string, want boolean",
    },
    {
      why: "a metrics port out of range",
      values: { metrics: { service: { port: 70000 } } },
      message: "at '/metrics/service/port': maximum: got 70,000, want 65,535",
    },
    {
      why: "a scrape interval that is no duration",
      values: { metrics: { serviceMonitor: { interval: "30 seconds" } } },
      message: "at '/metrics/serviceMonitor/interval'",
    },
    {
      why: "no apiserver egress port",
      values: { networkPolicy: { egress: { apiServer: { ports: [] } } } },
      message: "at '/networkPolicy/egress/apiServer/ports': minItems: got 0, want 1",
    },
    {
      why: "NetworkPolicy peers as an object",
      values: { networkPolicy: { ingressFrom: { namespaceSelector: {} } } },
      message: "at '/networkPolicy/ingressFrom': got object, want array",
    },
    {
      why: "an unknown key in a NetworkPolicy rule",
      values: { networkPolicy: { egress: { dns: { port: 53 } } } },
      message: "at '/networkPolicy/egress/dns': additional properties 'port' not allowed",
    },
    {
      why: "an unknown PodDisruptionBudget key",
      values: { podDisruptionBudget: { minAvailable: 1 } },
      message: "at '/podDisruptionBudget': additional properties 'minAvailable' not allowed",
    },
  ];

  test(`values.schema.json rejects ${badValues.length} bad values, naming each`, async () => {
    for (const { why, values, message } of badValues) {
      const result = await helmWithValues(["template", "x", chartDir], values);
      assert.notEqual(result.code, 0, `${why}: accepted`);
      assert.ok(result.stderr.includes(message), `${why}: "${message}" not in:\n${result.stderr}`);
      assert.match(result.stderr, /values don't meet the specifications of the schema/, why);
    }
  });

  test("combinations the schema cannot judge fail with what to do", async () => {
    const cases = [
      {
        values: { metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } } },
        message: "metrics.serviceMonitor.enabled needs metrics.service.enabled",
      },
      {
        values: { serviceAccount: { create: false } },
        message: "serviceAccount.name is required when serviceAccount.create is false",
      },
    ];
    for (const { values, message } of cases) {
      const result = await helmWithValues(["template", "x", chartDir], values);
      assert.notEqual(result.code, 0, JSON.stringify(values));
      assert.ok(result.stderr.includes(message), result.stderr);
    }
  });

  test("deploy/ is the chart rendered with its default values (npm run gen:deploy)", async () => {
    const files = await renderDeployFiles(await resolveHelm(), repoRoot);
    assert.deepEqual(
      files.map((f) => f.path),
      ["deploy/all-in-one.yaml", "deploy/kustomization.yaml"],
    );
    for (const file of files) {
      const committed = await readFile(path.join(repoRoot, file.path), "utf8").catch(() => "");
      assert.ok(committed === file.content, `${file.path} is stale: run npm run gen:deploy`);
    }
    const objects = parseObjects(files[0]?.content ?? "");
    const namespace = only(objects, "Namespace");
    assert.equal(namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
  });
});
