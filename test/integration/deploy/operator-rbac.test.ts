// The operator, logged in as the chart's ServiceAccount and configured by the chart's ConfigMap, drives
// builds through every step of the kubevirt backend on a real apiserver: the RBAC the chart grants is
// enough for everything the code does (no request is refused), with OwnerReferencesPermissionEnforcement on.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { rootfsBuildRef } from "../../../src/controller/rootfs-refs.js";
import { KubeClient, coreRefs, type Manager } from "../../../src/runtime/index.js";
import { installCrds, startControlPlane } from "../../harness/control-plane.js";
import { set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import { repoRoot } from "../../helpers/paths.js";
import {
  applyBuild,
  createBuildNamespaces,
  buildUntil,
  namespace,
  phaseIs,
  startOperator,
  storageClaim,
  uniqueBuild,
  type Env,
} from "../kubevirt-backend/env.js";
import {
  childOf,
  extractSucceeded,
  finishJob,
  finishVm,
  prepareSucceeded,
} from "../kubevirt-backend/fake-cluster/index.js";
import { only, renderChart } from "./chart.js";

const release = { release: "rootfs-operator", namespace: "rootfs-system" };

describe("the operator on the chart's RBAC", () => {
  let env: Env;
  let operator: Manager;

  before(async () => {
    const cp = await startControlPlane({
      extraApiServerArgs: ["--enable-admission-plugins=OwnerReferencesPermissionEnforcement"],
    });
    const client = KubeClient.load({ kubeconfig: cp.kubeconfigPath });
    env = {
      cp,
      client,
      clockOffsetMs: 0,
      async stop() {
        client.close();
        await cp.stop();
      },
    };
    const kubectl = (args: string[], stdin?: string) =>
      cp.kubectl(args, { check: true, ...(stdin !== undefined && { stdin }) });
    await kubectl(["create", "namespace", release.namespace]);
    await installCrds(cp, [path.join(repoRoot, "test/fixtures/kubevirt-crds")]);
    // Everything the chart renders, for real: CRDs, ServiceAccount, RBAC, ConfigMap, Deployment (which no
    // controller runs here; this process plays the operator pod).
    const chart = await renderChart(undefined, release);
    await kubectl(["apply", "-f", "-"], chart.manifest);
    await kubectl([
      "wait",
      "--for=condition=Established",
      "crd/rootfsbuilds.rootfs.dev",
      "crd/rootfsimages.rootfs.dev",
    ]);
    await createBuildNamespaces(client);

    const configMap = only<{ data: Record<string, string> }>(chart.objects, "ConfigMap");
    const config = operatorConfigSchema.parse(parse(configMap.data["operator.yaml"] ?? ""));
    const kubeconfig = await cp.serviceAccountKubeconfig(release.namespace, "rootfs-operator", {
      create: false,
    });
    operator = await startOperator(env, { config, kubeconfig, leaderElection: true });
  });
  after(async () => {
    await operator?.stop();
    await env?.stop();
  });

  /** Requests the apiserver answered with `code`. */
  async function answered(code: string): Promise<number> {
    const { values } = await operator.metrics.restClientRequests.get();
    return values.filter((v) => v.labels.code === code).reduce((n, v) => n + v.value, 0);
  }

  test("two builds sharing an ISO, a catalog hit and a deletion, without one refused request", async () => {
    try {
      await driveBuilds();
    } catch (err) {
      // A missing grant shows as a build that never moves on: say why.
      const refused = await answered("403");
      if (refused > 0)
        throw new Error(
          `${refused} of the operator's requests were refused (403); TEST_LOG=info shows them`,
          {
            cause: err,
          },
        );
      throw err;
    }
    assert.equal(await answered("403"), 0, "the apiserver refused some of the operator's requests");
    assert.ok((await answered("200")) + (await answered("201")) > 20);

    // The counter does see refusals: the operator may not read a Secret.
    await assert.rejects(operator.client.get(coreRefs.secret, "anything", namespace), /forbidden|403/i);
    assert.equal(await answered("403"), 1);
  });

  async function driveBuilds(): Promise<void> {
    const storage = { pvc: { claimName: storageClaim, subPath: "builds/rbac" } };
    const vim = uniqueBuild("rbac-vim", set("spec.install.packages", ["vim"]), set("spec.storage", storage));
    const tmux = structuredClone(vim);
    tmux.metadata.name = "rbac-tmux";
    set("spec.install.packages", ["tmux"])(tmux);
    const builds = await Promise.all([applyBuild(env, vim), applyBuild(env, tmux)]);
    // Shared ISO PVC and prepare Job: the second build joins their owners (apply patch).
    const prepares = await Promise.all(builds.map((b) => childOf(env, b, "prepare")));
    assert.equal(prepares[0]?.metadata.uid, prepares[1]?.metadata.uid);
    await finishJob(env, prepares[0] ?? assert.fail("no prepare Job"), prepareSucceeded);
    for (const build of builds) await finishVm(env, await childOf(env, build, "install"), "Succeeded");
    for (const build of builds) await finishJob(env, await childOf(env, build, "extract"), extractSucceeded);
    const done = await Promise.all(builds.map((b) => buildUntil(env, b.metadata.name, phaseIs("Succeeded"))));

    // Same key as a finished build: the claim Lease and the catalog answer it.
    const again = structuredClone(vim);
    again.metadata.name = "rbac-vim-again";
    const hit = await buildUntil(env, (await applyBuild(env, again)).metadata.name, phaseIs("Succeeded"));
    assert.equal(hit.status?.buildKey, done[0]?.status?.buildKey);
    assert.equal(hit.status?.conditions?.find((c) => c.type === "Succeeded")?.reason, "CatalogHit");

    // Deleting a build runs its cleanup and drops the finalizer.
    await env.cp.kubectl(["delete", "rootfsbuild", "rbac-tmux", "-n", namespace, "--wait=false"], {
      check: true,
    });
    await eventually(
      () => env.client.getOrUndefined<RootfsBuild>(rootfsBuildRef, "rbac-tmux", namespace),
      (b) => b === undefined,
    );

    // (Each build also claimed its key with a Lease there, released once it finished.)
    const leases = await env.client.list(coreRefs.lease, { namespace: release.namespace });
    assert.ok(
      leases.items.some((l) => l.metadata.name === "rootfs-operator"),
      "the leader Lease",
    );
  }
});
