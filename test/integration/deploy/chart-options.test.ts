// The Helm chart's options, rendered by the real helm: each reaches the object it configures, a configuration
// change rolls the operator pods, and the switches leave their objects out.
import type { KubeObject } from "../../../src/runtime/index.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { configOf, ofKind, only, optionValues, renderChart, type Deployment } from "./chart.js";

describe("Helm chart", () => {
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
});
