// The Helm chart with its default values, rendered and linted by the real helm: the objects it renders, the
// operator configuration it writes, and its CRDs kept in step with crds/.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { repoRoot } from "../../helpers/paths.js";
import {
  chartDir,
  configOf,
  helmWithValues,
  ofKind,
  only,
  optionValues,
  renderChart,
  type Deployment,
} from "./chart.js";

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
});
