// The chart's RBAC as rendered: least privilege, no wildcards, no PersistentVolumes, and no Secret read
// that reaches beyond the namespaces listed in secretReaderNamespaces.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KubeObject } from "../../../src/runtime/index.js";
import { ofKind, optionValues, renderChart } from "./chart.js";

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
type RoleObject = KubeObject & { rules?: Rule[]; aggregationRule?: unknown };
type Binding = KubeObject & {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
};

const readVerbs = ["get", "list", "watch"];

/** "group/resource: verb verb …" per resource, sorted, for a readable deepEqual. */
function grants(role: RoleObject): string[] {
  const lines: string[] = [];
  for (const rule of role.rules ?? []) {
    for (const group of rule.apiGroups ?? [""]) {
      for (const resource of rule.resources ?? []) {
        lines.push(`${group === "" ? "core" : group}/${resource}: ${rule.verbs.join(" ")}`);
      }
    }
  }
  return lines.sort();
}

/** Every (verb, resource) pair the role grants. */
function verbResourcePairs(role: RoleObject): number {
  return (role.rules ?? []).reduce(
    (n, r) => n + r.verbs.length * (r.resources?.length ?? 0) * (r.apiGroups?.length ?? 1),
    0,
  );
}

describe("chart RBAC", () => {
  for (const [label, values] of [
    ["default values", undefined],
    ["every option set", optionValues],
  ] as const) {
    test(`${label}: no wildcard anywhere, no PersistentVolumes, no aggregation into the operator's roles`, async () => {
      const { objects } = await renderChart(values);
      const roles = [...ofKind<RoleObject>(objects, "ClusterRole"), ...ofKind<RoleObject>(objects, "Role")];
      assert.ok(roles.length >= 2);
      for (const role of roles) {
        const where = `${role.kind} ${role.metadata.name}`;
        assert.equal(role.aggregationRule, undefined, where);
        for (const rule of role.rules ?? []) {
          const words = [
            ...(rule.apiGroups ?? []),
            ...(rule.resources ?? []),
            ...rule.verbs,
            ...(rule.resourceNames ?? []),
          ];
          assert.ok(!words.some((w) => w.includes("*")), `${where} has a wildcard: ${JSON.stringify(rule)}`);
          assert.equal(rule.nonResourceURLs, undefined, where);
          assert.ok(
            !rule.resources?.some((r) => r.startsWith("persistentvolumes")),
            `${where}: PersistentVolumes`,
          );
          // Escalation paths: RBAC itself, impersonation, tokens.
          assert.ok(!rule.verbs.some((v) => ["escalate", "bind", "impersonate"].includes(v)), where);
          assert.ok(!rule.resources?.some((r) => r === "serviceaccounts/token"), where);
        }
      }
    });

    test(`${label}: no role bound cluster-wide reads Secrets; Secret reads only where listed`, async () => {
      const { objects } = await renderChart(values);
      const clusterRoles = new Map(
        ofKind<RoleObject>(objects, "ClusterRole").map((r) => [r.metadata.name, r]),
      );
      const readsSecrets = (role: RoleObject | undefined) =>
        (role?.rules ?? []).some(
          (rule) =>
            (rule.apiGroups ?? [""]).includes("") &&
            rule.resources?.includes("secrets") &&
            rule.verbs.some((v) => readVerbs.includes(v)),
        );
      const clusterBound = ofKind<Binding>(objects, "ClusterRoleBinding");
      assert.ok(clusterBound.length >= 1);
      for (const binding of clusterBound) {
        const role = clusterRoles.get(binding.roleRef.name);
        assert.ok(role, `ClusterRoleBinding ${binding.metadata.name} binds a ClusterRole the chart renders`);
        assert.ok(
          !readsSecrets(role),
          `ClusterRole ${role.metadata.name} (bound cluster-wide) reads Secrets`,
        );
      }
      // The aggregated roles are bound by whoever binds admin/edit/view: they must not read Secrets either.
      for (const role of clusterRoles.values()) {
        if (
          Object.keys(role.metadata.labels ?? {}).some((l) =>
            l.startsWith("rbac.authorization.k8s.io/aggregate"),
          )
        )
          assert.ok(!readsSecrets(role), role.metadata.name);
      }
      const secretReadNamespaces = ofKind<Binding>(objects, "RoleBinding")
        .filter((b) => b.roleRef.kind === "ClusterRole" && readsSecrets(clusterRoles.get(b.roleRef.name)))
        .map((b) => b.metadata.namespace);
      assert.deepEqual(secretReadNamespaces, values?.secretReaderNamespaces ?? []);
      for (const role of ofKind<RoleObject>(objects, "Role"))
        assert.ok(!readsSecrets(role), role.metadata.name);
    });
  }

  test("the operator's roles grant exactly what the code uses", async () => {
    const { objects } = await renderChart(optionValues, { release: "rbac" });
    const byName = (kind: string, name: string) => {
      const role = ofKind<RoleObject>(objects, kind).find((r) => r.metadata.name === name);
      assert.ok(role, `${kind} ${name}`);
      return role;
    };
    const operator = byName("ClusterRole", "rbac-rfs");
    assert.deepEqual(grants(operator), [
      "batch/jobs: get list watch create patch delete",
      "core/configmaps: get",
      "core/events: create patch",
      "core/persistentvolumeclaims: get list watch create patch delete",
      "core/pods/log: get",
      "core/pods: get list watch",
      "core/secrets: create",
      "kubevirt.io/virtualmachineinstances: get list watch",
      "kubevirt.io/virtualmachines: get list watch create delete",
      "rootfs.dev/rootfsbuilds/finalizers: update",
      "rootfs.dev/rootfsbuilds/status: update",
      "rootfs.dev/rootfsbuilds: get list watch patch",
    ]);
    const catalog = byName("ClusterRole", "rbac-rfs-catalog");
    assert.deepEqual(grants(catalog), ["rootfs.dev/rootfsimages: get list watch create delete"]);
    const leases = byName("Role", "rbac-rfs-leases");
    assert.equal(leases.metadata.namespace, "rootfs-system");
    assert.deepEqual(grants(leases), ["coordination.k8s.io/leases: get list watch create update delete"]);
    const secretReader = byName("ClusterRole", "rbac-rfs-secret-reader");
    assert.deepEqual(grants(secretReader), ["core/secrets: get"]);
    const counts = [operator, catalog, leases, secretReader].map(verbResourcePairs);
    console.log(
      `# RBAC (verbs × resources): builds ClusterRole ${counts[0]}, catalog ClusterRole ${counts[1]}, ` +
        `leases Role ${counts[2]}, Secret reader ${counts[3]} per listed namespace; ` +
        `${counts.reduce((a, b) => a + (b ?? 0), 0)} in all`,
    );
  });

  test("watchNamespaces: the builds' rules are bound in those namespaces only; the catalog cluster-wide", async () => {
    const { objects } = await renderChart(optionValues, { release: "rbac" });
    const bindingsOf = (kind: string, role: string) =>
      ofKind<Binding>(objects, kind).filter((b) => b.roleRef.name === role);
    assert.deepEqual(bindingsOf("ClusterRoleBinding", "rbac-rfs"), []);
    assert.deepEqual(
      bindingsOf("RoleBinding", "rbac-rfs").map((b) => b.metadata.namespace),
      ["team-a", "team-b"],
    );
    assert.equal(bindingsOf("ClusterRoleBinding", "rbac-rfs-catalog").length, 1);
    const defaults = (await renderChart(undefined, { release: "rbac" })).objects;
    assert.equal(
      ofKind<Binding>(defaults, "ClusterRoleBinding").filter((b) => b.roleRef.name === "rbac-rootfs-operator")
        .length,
      1,
    );
  });

  test("the catalog is never in a role a namespace binding could grant; readers get it cluster-wide", async () => {
    const { objects } = await renderChart({ rbac: { aggregateToDefaultRoles: true, catalogReaders: [] } });
    for (const role of ofKind<RoleObject>(objects, "ClusterRole")) {
      const aggregated = Object.keys(role.metadata.labels ?? {}).some((l) => l.includes("aggregate-to"));
      if (aggregated) assert.ok(!grants(role).some((g) => g.includes("rootfsimages")), role.metadata.name);
    }
    assert.deepEqual(
      ofKind<Binding>(objects, "ClusterRoleBinding").filter((b) =>
        b.roleRef.name.endsWith("-catalog-reader"),
      ),
      [],
    );
    const withReaders = (await renderChart(optionValues, { release: "rbac" })).objects;
    const reader = ofKind<Binding>(withReaders, "ClusterRoleBinding").find(
      (b) => b.roleRef.name === "rbac-rfs-catalog-reader",
    );
    assert.deepEqual(reader?.subjects, optionValues.rbac.catalogReaders);
  });
});
