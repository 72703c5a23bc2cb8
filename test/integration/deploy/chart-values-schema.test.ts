// The Helm chart refuses bad values, rendered by the real helm: its values.schema.json names each bad value,
// and the chart's own checks say what to do about combinations the schema cannot judge.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chartDir, helmWithValues } from "./chart.js";

describe("Helm chart", () => {
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
});
