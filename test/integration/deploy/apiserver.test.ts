// deploy/ and the chart's output on a real apiserver: applied (for real and with --dry-run=server), judged
// by Pod Security admission at "restricted", and the operator ServiceAccount's access asked of RBAC.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import type { KubeObject } from "../../../src/runtime/index.js";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { repoRoot } from "../../helpers/paths.js";
import { only, optionValues, parseObjects, renderChart } from "./chart.js";

/**
 * A stand-in for prometheus-operator's ServiceMonitor CRD: the fields the chart sets, typed as upstream
 * types them (Duration pattern), so a ServiceMonitor the chart renders is judged by the apiserver.
 */
const duration = { type: "string", pattern: "^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$" };
const serviceMonitorCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "servicemonitors.monitoring.coreos.com" },
  spec: {
    group: "monitoring.coreos.com",
    scope: "Namespaced",
    names: {
      kind: "ServiceMonitor",
      listKind: "ServiceMonitorList",
      plural: "servicemonitors",
      singular: "servicemonitor",
    },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["selector", "endpoints"],
                properties: {
                  selector: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  endpoints: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        port: { type: "string" },
                        path: { type: "string" },
                        interval: duration,
                        scrapeTimeout: duration,
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const restricted = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/warn": "restricted",
};

type PodTemplate = { metadata: KubeObject["metadata"]; spec: Record<string, unknown> };
type Deployment = KubeObject & { spec: { template: PodTemplate } };

describe("deploy/ and the chart on a real apiserver", () => {
  let cp: ControlPlane;
  const kubectl = (args: string[], stdin?: string) => cp.kubectl(args, stdin === undefined ? {} : { stdin });
  const createNamespace = (name: string, labels: Record<string, string> = {}) =>
    kubectl(
      ["apply", "-f", "-"],
      stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } }),
    ).then((r) => assert.equal(r.code, 0, r.stderr));
  /** `kubectl auth can-i` for the ServiceAccount: true when allowed. */
  const can = async (sa: string, verb: string, resourceAndSub: string, namespace?: string) => {
    // "pods/log" would be read as the Pod named "log": subresources go in their own flag.
    const [resource = "", subresource] = resourceAndSub.split("/");
    const args = ["auth", "can-i", verb, resource, `--as=system:serviceaccount:${sa}`];
    if (subresource) args.push(`--subresource=${subresource}`);
    const r = await kubectl(namespace ? [...args, "-n", namespace] : args);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return r.code === 0;
  };

  before(async () => {
    cp = await startControlPlane();
    await installCrds(cp, [path.join(repoRoot, "test/fixtures/kubevirt-crds")]);
    const crd = await kubectl(["apply", "-f", "-"], stringify(serviceMonitorCrd));
    assert.equal(crd.code, 0, crd.stderr);
    await kubectl(["wait", "--for=condition=Established", "crd/servicemonitors.monitoring.coreos.com"]);
  });
  after(async () => cp?.stop());

  test("kubectl apply -k deploy/ installs everything, without a single warning", async () => {
    const rendered = await kubectl(["kustomize", path.join(repoRoot, "deploy")]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const names = (m: string) =>
      parseObjects(m).map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    const { readFile } = await import("node:fs/promises");
    const allInOne = await readFile(path.join(repoRoot, "deploy/all-in-one.yaml"), "utf8");
    assert.deepEqual(names(rendered.stdout).sort(), names(allInOne).sort());

    const applied = await kubectl(["apply", "-k", path.join(repoRoot, "deploy")]);
    assert.equal(applied.code, 0, applied.stderr);
    // Pod Security's warn=restricted judges the Deployment's pod template here: any violation is a warning.
    assert.equal(applied.stderr, "", "kubectl apply printed warnings");
    assert.match(applied.stdout, /deployment.apps\/rootfs-operator created/);
    const wait = await kubectl([
      "wait",
      "--for=condition=Established",
      "crd/rootfsbuilds.rootfs.dev",
      "crd/rootfsimages.rootfs.dev",
    ]);
    assert.equal(wait.code, 0, wait.stderr);
  });

  test("the operator's pod passes Pod Security 'restricted' enforcement; a weakened one does not", async () => {
    const deployment = JSON.parse(
      (
        await cp.kubectl(["get", "deployment", "rootfs-operator", "-n", "rootfs-system", "-o", "json"], {
          check: true,
        })
      ).stdout,
    ) as Deployment;
    // No controller manager runs here, so make the Pod the ReplicaSet would make, and let enforcement judge it.
    const podFrom = (template: PodTemplate, name: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { ...template.metadata, name, namespace: "rootfs-system" },
      spec: template.spec,
    });
    const pod = await kubectl(
      ["create", "-f", "-"],
      stringify(podFrom(deployment.spec.template, "operator-pod")),
    );
    assert.equal(pod.code, 0, pod.stderr);

    const weakened = structuredClone(deployment.spec.template);
    const [container] = weakened.spec.containers as { securityContext: Record<string, unknown> }[];
    assert.ok(container);
    container.securityContext = { ...container.securityContext, allowPrivilegeEscalation: true };
    const rejected = await kubectl(["create", "-f", "-"], stringify(podFrom(weakened, "weakened-pod")));
    assert.notEqual(rejected.code, 0, "a pod allowing privilege escalation was admitted");
    assert.match(
      rejected.stderr,
      /violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
    );
    // And a Deployment with that template draws the warning the first apply did not.
    const warned = await kubectl(
      ["apply", "--dry-run=server", "-f", "-"],
      stringify({
        ...deployment,
        metadata: { name: "weakened", namespace: "rootfs-system" },
        spec: { ...deployment.spec, template: weakened },
        status: undefined,
      }),
    );
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /Warning: would violate PodSecurity "restricted:latest"/);
  });

  test("the chart with its default values applies with --dry-run=server in a restricted namespace", async () => {
    await createNamespace("dry-system", restricted);
    const { manifest } = await renderChart(undefined, { release: "dry", namespace: "dry-system" });
    const result = await kubectl(["apply", "--dry-run=server", "-f", "-"], manifest);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "", "warnings");
    assert.match(result.stdout, /deployment.apps\/dry-rootfs-operator created \(server dry run\)/);
  });

  test("the chart with every option set applies (dry run, then for real), ServiceMonitor included", async () => {
    await createNamespace("opt-system", restricted);
    for (const ns of optionValues.secretReaderNamespaces) await createNamespace(ns);
    const { manifest, objects } = await renderChart(optionValues, {
      release: "opt",
      namespace: "opt-system",
    });
    assert.equal(only(objects, "ServiceMonitor").metadata.namespace, "opt-system");
    const dry = await kubectl(["apply", "--dry-run=server", "-f", "-"], manifest);
    assert.equal(dry.code, 0, dry.stderr);
    assert.equal(dry.stderr, "", "warnings");
    assert.match(dry.stdout, /servicemonitor.monitoring.coreos.com\/opt-rfs created \(server dry run\)/);
    const real = await kubectl(["apply", "-f", "-"], manifest);
    assert.equal(real.code, 0, real.stderr);
    assert.equal(real.stderr, "", "warnings");
  });

  test("RBAC lets the operator's ServiceAccount do what the operator does, and nothing of the rest", async () => {
    const sa = "rootfs-system:rootfs-operator";
    const allowed: [string, string, string?][] = [
      ["watch", "rootfsbuilds.rootfs.dev", "builds"],
      ["patch", "rootfsbuilds.rootfs.dev", "builds"],
      ["update", "rootfsbuilds.rootfs.dev/status", "builds"],
      ["update", "rootfsbuilds.rootfs.dev/finalizers", "builds"],
      ["create", "rootfsimages.rootfs.dev"],
      ["delete", "rootfsimages.rootfs.dev"],
      ["create", "secrets", "builds"],
      ["get", "configmaps", "builds"],
      ["create", "persistentvolumeclaims", "builds"],
      ["patch", "jobs.batch", "builds"],
      ["delete", "jobs.batch", "builds"],
      ["list", "pods", "builds"],
      ["get", "pods/log", "builds"],
      ["create", "virtualmachines.kubevirt.io", "builds"],
      ["watch", "virtualmachineinstances.kubevirt.io", "builds"],
      ["create", "events", "builds"],
      ["patch", "events", "builds"],
      ["create", "leases.coordination.k8s.io", "rootfs-system"],
      ["update", "leases.coordination.k8s.io", "rootfs-system"],
      ["delete", "leases.coordination.k8s.io", "rootfs-system"],
    ];
    const denied: [string, string, string?][] = [
      ["get", "secrets", "builds"],
      ["list", "secrets", "builds"],
      ["watch", "secrets"],
      ["delete", "secrets", "builds"],
      ["get", "persistentvolumes"],
      ["create", "pods", "builds"],
      ["create", "pods/exec", "builds"],
      ["update", "rootfsbuilds.rootfs.dev", "builds"],
      ["create", "rootfsbuilds.rootfs.dev", "builds"],
      ["delete", "rootfsbuilds.rootfs.dev", "builds"],
      ["update", "virtualmachines.kubevirt.io", "builds"],
      ["create", "leases.coordination.k8s.io", "builds"],
      ["create", "clusterrolebindings.rbac.authorization.k8s.io"],
      ["create", "serviceaccounts/token", "builds"],
      ["list", "nodes"],
      ["create", "configmaps", "builds"],
    ];
    const wrong: string[] = [];
    for (const [verb, resource, ns] of allowed)
      if (!(await can(sa, verb, resource, ns)))
        wrong.push(`cannot ${verb} ${resource} in ${ns ?? "cluster"}`);
    for (const [verb, resource, ns] of denied)
      if (await can(sa, verb, resource, ns)) wrong.push(`can ${verb} ${resource} in ${ns ?? "cluster"}`);
    assert.deepEqual(wrong, []);
  });

  test("watchNamespaces: builds and children in those namespaces only, the catalog cluster-wide", async () => {
    const sa = "opt-system:rootfs-controller";
    for (const ns of optionValues.watchNamespaces) {
      assert.equal(await can(sa, "create", "jobs.batch", ns), true, ns);
      assert.equal(await can(sa, "watch", "rootfsbuilds.rootfs.dev", ns), true, ns);
    }
    assert.equal(await can(sa, "create", "jobs.batch", "builds"), false);
    assert.equal(await can(sa, "watch", "rootfsbuilds.rootfs.dev"), false, "no cluster-wide watch of builds");
    assert.equal(await can(sa, "create", "rootfsimages.rootfs.dev"), true);
  });

  test("the catalog: readable by rbac.catalogReaders cluster-wide, not by a namespace's edit binding", async () => {
    // What aggregating into edit/view gives a namespace user: the chart's edit role, bound in a namespace
    // (the default release aggregates it).
    const edit = await kubectl(
      [
        "create",
        "rolebinding",
        "team-a-edit",
        "--clusterrole=rootfs-operator-edit",
        "--user=alice",
        "-n",
        "team-a",
      ],
      "",
    );
    assert.equal(edit.code, 0, edit.stderr);
    const canUser = async (who: string[], verb: string, resource: string, ns?: string) =>
      (await kubectl(["auth", "can-i", verb, resource, ...who, ...(ns ? ["-n", ns] : [])])).code === 0;
    const alice = ["--as=alice"];
    assert.equal(await canUser(alice, "create", "rootfsbuilds.rootfs.dev", "team-a"), true);
    assert.equal(await canUser(alice, "list", "rootfsimages.rootfs.dev"), false);
    // optionValues binds the group catalog-readers.
    const bob = ["--as=bob", "--as-group=catalog-readers"];
    assert.equal(await canUser(bob, "list", "rootfsimages.rootfs.dev"), true);
    assert.equal(await canUser(bob, "create", "rootfsimages.rootfs.dev"), false);
  });

  test("secretReaderNamespaces: get on Secrets in those namespaces only, never list", async () => {
    const sa = "opt-system:rootfs-controller";
    assert.equal(await can(sa, "get", "secrets", "team-a"), true);
    assert.equal(await can(sa, "get", "secrets", "team-b"), true);
    assert.equal(await can(sa, "list", "secrets", "team-a"), false);
    assert.equal(await can(sa, "watch", "secrets", "team-b"), false);
    assert.equal(await can(sa, "get", "secrets", "builds"), false);
    assert.equal(await can(sa, "get", "secrets", "opt-system"), false);
    // The default release lists none.
    assert.equal(await can("rootfs-system:rootfs-operator", "get", "secrets", "team-a"), false);
  });
});
