// The built child objects against a real kube-apiserver with our CRDs and KubeVirt v1.9.0's: every object
// applies server-side and comes back whole, and the worker Jobs' pods pass Pod Security "restricted",
// but the extract pod writing an nfsroot tree, which passes "baseline" (and only that).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { stringify } from "yaml";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { parseRootfsBuild } from "../../../src/api/validate.js";
import {
  resolveStorage,
  type InstallVirtualMachine,
  type Job,
} from "../../../src/controller/builders/index.js";
import { writesNfsrootTree } from "../../../src/controller/builders/extract-job.js";
import { installCrds, startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { inNamespace, rootfsBuild, type Modifier } from "../../helpers/builds.js";
import { repoRoot } from "../../helpers/paths.js";
import { allChildren } from "../../unit/controller-builders/all-children.js";
import {
  contextFor,
  distroCases,
  pvcStorage,
  sha256,
  storageCases,
  withStorage,
} from "../../unit/controller-builders/fixtures.js";
import { assertContains } from "./contains.js";

const crds = [
  "crds/rootfsbuilds.rootfs.dev.yaml",
  "crds/rootfsimages.rootfs.dev.yaml",
  "test/fixtures/kubevirt-crds",
];
const namespace = "restricted-builds";
const baselineNamespace = "baseline-builds";
const kindPlural: Record<string, string> = {
  Secret: "secrets",
  PersistentVolumeClaim: "persistentvolumeclaims",
  VirtualMachine: "virtualmachines.kubevirt.io",
  Job: "jobs.batch",
};

describe("child objects on a real apiserver", () => {
  let cp: ControlPlane;

  before(async () => {
    cp = await startControlPlane();
    await installCrds(
      cp,
      crds.map((p) => path.join(repoRoot, p)),
    );
    for (const [name, level] of [
      [namespace, "restricted"],
      [baselineNamespace, "baseline"],
    ] as const) {
      const labels = {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": level,
      };
      await kubectl(["apply", "--server-side", "-f", "-"], {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels },
      });
      // No controllers run here: the ServiceAccount admission plugin wants the "default" account to exist.
      await kubectl(["create", "serviceaccount", "default", "-n", name]);
    }
  });
  after(async () => cp?.stop());

  async function kubectl(args: string[], manifest?: unknown): Promise<string> {
    const stdin = manifest === undefined ? undefined : stringify(manifest);
    const result = await cp.kubectl(args, stdin === undefined ? {} : { stdin });
    assert.equal(result.code, 0, `kubectl ${args.join(" ")}:\n${result.stderr}`);
    assert.doesNotMatch(result.stderr, /Warning/, `kubectl ${args.join(" ")} warned`);
    return result.stdout;
  }

  /** Creates the RootfsBuild and returns it as the apiserver stores it (defaults applied, uid set). */
  async function createBuild(name: string, ...modifiers: Modifier[]): Promise<RootfsBuild> {
    const manifest = rootfsBuild(
      name,
      inNamespace(namespace),
      withStorage({ pvc: pvcStorage }),
      ...modifiers,
    );
    await kubectl(["apply", "--server-side", "-f", "-"], manifest);
    const ns = (manifest.metadata as { namespace: string }).namespace;
    return parseRootfsBuild(JSON.parse(await kubectl(["get", "rootfsbuild", name, "-n", ns, "-o", "json"])));
  }

  function getJson(kind: string, name: string, ns = namespace): Promise<unknown> {
    const plural = kindPlural[kind];
    assert.ok(plural, kind);
    return kubectl(["get", plural, name, "-n", ns, "-o", "json"]).then((out) => JSON.parse(out) as unknown);
  }

  /** A bare Pod from a Job's pod template: Pod Security admission checks Pods, not Jobs. */
  const podFrom = (job: Job, ns: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${job.metadata.name}-probe`,
      namespace: ns,
      labels: job.spec.template.metadata.labels,
    },
    spec: job.spec.template.spec,
  });
  const createPodFrom = (job: Job, ns = namespace) => kubectl(["create", "-f", "-"], podFrom(job, ns));

  for (const [i, distro] of distroCases.entries()) {
    for (const [j, storage] of storageCases.entries()) {
      test(`${distro.id}, storage ${storage.id}: every child applies; Job pods are "restricted" (an nfsroot extract "baseline")`, async () => {
        const name = `b${i}${j}-${distro.arch.replace("_", "-")}`;
        // A build writing an nfsroot tree lives where "baseline" is enforced (its children go there too).
        const tree = "pvc" in storage.storage;
        const ns = tree ? baselineNamespace : namespace;
        const build = await createBuild(name, distro.modifier, withStorage(storage.storage), inNamespace(ns));
        const ctx = await contextFor(build, { isoKey: sha256(`iso of ${name}`) });
        assert.equal(writesNfsrootTree(ctx, resolveStorage(ctx.build, ctx.config)), tree);
        const children = allChildren(ctx);
        const objects = Object.values(children);
        await kubectl(
          ["apply", "--server-side", "--validate=strict", "--field-manager=rootfs-operator", "-f", "-"],
          { apiVersion: "v1", kind: "List", items: objects },
        );
        for (const object of objects) {
          assertContains(await getJson(object.kind, object.metadata.name, ns), object, object.kind);
        }
        await createPodFrom(children.prepareJob as Job);
        const extract = children.extractJob as Job;
        if (!tree) {
          await createPodFrom(extract);
          return;
        }
        await createPodFrom(extract, baselineNamespace);
        const refused = await cp.kubectl(["create", "-f", "-"], {
          stdin: stringify(podFrom(extract, namespace)),
        });
        assert.notEqual(refused.code, 0, "an nfsroot extract pod passed restricted: it should not need root");
        assert.match(refused.stderr, /violates PodSecurity "restricted:latest".*runAsNonRoot/s);
      });
    }
  }

  test("the namespace really enforces restricted: a pod without a seccomp profile is rejected", async () => {
    const build = await createBuild("negative-control");
    const job = allChildren(await contextFor(build)).extractJob as Job;
    const { seccompProfile: _dropped, ...securityContext } = job.spec.template.spec.securityContext;
    const pod = { ...job.spec.template.spec, securityContext };
    const result = await cp.kubectl(["create", "-f", "-"], {
      stdin: stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "unconfined", namespace },
        spec: pod,
      }),
    });
    assert.notEqual(result.code, 0, "the apiserver accepted a pod without seccompProfile");
    assert.match(result.stderr, /violates PodSecurity "restricted:latest".*seccompProfile/);
  });

  test("a misspelt KubeVirt field is rejected, so acceptance means the schema knows ours", async () => {
    const build = await createBuild("misspelt");
    const vm = allChildren(await contextFor(build)).installVm as InstallVirtualMachine;
    const devices = vm.spec.template.spec?.domain.devices as Record<string, unknown>;
    devices["logSerialConsol"] = true;
    const result = await cp.kubectl(["apply", "--server-side", "--validate=strict", "-f", "-"], {
      stdin: stringify(vm),
    });
    assert.notEqual(result.code, 0, "the apiserver accepted an unknown field");
    assert.match(
      result.stderr,
      /\.spec\.template\.spec\.domain\.devices\.logSerialConsol: field not declared in schema/,
    );
  });

  test("a second build co-owns the shared ISO PVC when it applies under its own field manager", async () => {
    const isoKey = sha256("shared iso");
    const [one, two] = await Promise.all([createBuild("sharer-one"), createBuild("sharer-two")]);
    assert.ok(one && two);
    for (const build of [one, two]) {
      const pvc = allChildren(await contextFor(build, { isoKey })).isoPvc;
      await kubectl(
        ["apply", "--server-side", `--field-manager=rootfs-operator/${build.metadata.uid}`, "-f", "-"],
        pvc,
      );
    }
    const stored = (await getJson("PersistentVolumeClaim", `rootfs-iso-${isoKey.slice(0, 12)}`)) as {
      metadata: { ownerReferences: { uid: string; controller: boolean }[] };
    };
    assert.deepEqual(
      stored.metadata.ownerReferences.map((o) => [o.uid, o.controller]),
      [
        [one.metadata.uid, false],
        [two.metadata.uid, false],
      ],
    );
  });
});
