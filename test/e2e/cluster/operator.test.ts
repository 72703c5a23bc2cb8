// The chart, installed with helm into a real single-node cluster, builds the tiny installer: without
// KubeVirt the installs run as Pods (prepare Job → install Job → extract Job), every Pod run by a real
// kubelet under the Pod Security its namespace enforces; then, with KubeVirt's API and the tests playing
// the VM, the prepare and extract Jobs run for real around it (kubevirt-play.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import type { RootfsImage } from "../../../src/api/rootfsimage.js";
import type { Manifest } from "../../../src/api/output-manifest.js";
import { startCluster, type Cluster } from "../../harness/cluster/cluster.js";
import { volumeDir } from "../../harness/cluster/storage.js";
import { set } from "../../helpers/builds.js";
import { eventually } from "../../helpers/eventually.js";
import type { TestServer } from "../../helpers/http-server.js";
import { repoRoot } from "../../helpers/paths.js";
import { buildTinyInstaller, serveTinyInstaller } from "../../helpers/tiny-installer.js";
import { skipWithoutCluster } from "./availability.js";
import {
  applyBuild,
  kubectlJson,
  operatorPods,
  succeeded,
  tinyBuild,
  untilFinished,
  type PodSummary,
} from "./builds.js";
import { playKubevirtInstall, installKubevirtApi } from "./kubevirt-play.js";
import { createPodSecurityProbes, podSecurityLevel } from "./pod-security.js";
import { apply, namespaceManifest } from "./pods.js";
import { helmInstall, operatorNamespace, release, releaseValues } from "./release.js";

const run = promisify(execFile);
const skip = await skipWithoutCluster();
/** Builds writing an nfsroot tree need "baseline" for their extract Pod (README, "Pod Security"). */
const builds = "builds";
const kubevirtBuilds = "builds-kubevirt";
const storageClaim = "rootfs-artifacts";
/** Long enough for the tiny installer to boot and reach its never-ending %pre on TCG, beside another install. */
const hangTimeout = "2m";

describe(
  "the chart's operator on a real cluster builds the tiny installer",
  { skip, timeout: 50 * 60_000 },
  () => {
    let cluster: Cluster;
    let server: TestServer;
    let url: string;
    /** What the report needs: timings and Pod Security levels, printed at the end. */
    const measured: Record<string, unknown> = {};
    let first: RootfsBuild;
    /** Every Pod the operator ran, as the kubelet ran it, by namespace (some are deleted once done). */
    const pods = new Map<string, PodSummary>();
    const kubevirtPods = new Map<string, PodSummary>();

    const outputsDir = async (namespace: string, subPath: string) => {
      const pvc = await kubectlJson<{ spec: { volumeName: string } }>(cluster.cp, [
        "get",
        "pvc",
        storageClaim,
        "-n",
        namespace,
      ]);
      return path.join(volumeDir(cluster.layout.dir, pvc.spec.volumeName), subPath);
    };
    /** The Pod Security level of each Pod the operator ran in `namespace`, as the kubelet ran it. */
    const levelsOf = async (pods: Map<string, PodSummary>) =>
      Object.fromEntries(
        await Promise.all(
          [...pods.values()].map(async (pod): Promise<[string, string]> => [
            `${pod.metadata.labels?.["rootfs.dev/step"]} ${pod.metadata.name}`,
            await podSecurityLevel(cluster.cp, pod),
          ]),
        ),
      );

    before(async () => {
      const installer = await buildTinyInstaller();
      let started = Date.now();
      cluster = await startCluster({ volumes: 16 });
      measured.clusterStart = { seconds: (Date.now() - started) / 1000, ...cluster.timings };
      // Pods reach the node address directly: the mirror is a test server there, on the port the chart's
      // NetworkPolicy lets the operator reach ISO mirrors on.
      server = await serveTinyInstaller(installer, 80, cluster.layout.nodeIp);
      url = `http://${cluster.layout.nodeIp}`;
      await createPodSecurityProbes(cluster.cp);
      for (const namespace of [builds, kubevirtBuilds]) {
        await apply(cluster.cp, namespaceManifest(namespace, "baseline"), {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: storageClaim, namespace },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } },
        });
      }
      started = Date.now();
      await helmInstall(cluster, "install", releaseValues("auto"));
      measured.helmInstallSeconds = (Date.now() - started) / 1000;
    });
    after(async () => {
      console.log(`Measured: ${JSON.stringify(measured, null, 2)}`);
      await server?.close();
      await cluster?.stop();
    });

    test("the operator runs as the chart's Deployment, with its ServiceAccount, probes and NetworkPolicy", async () => {
      const [pod] = (
        await kubectlJson<{
          items: {
            metadata: { name: string };
            spec: Record<string, unknown>;
            status: { conditions: { type: string; status: string }[] };
          }[];
        }>(cluster.cp, [
          "get",
          "pods",
          "-n",
          operatorNamespace,
          "-l",
          `app.kubernetes.io/instance=${release}`,
        ])
      ).items;
      assert.ok(pod, "no operator Pod");
      assert.equal(pod.spec.serviceAccountName, release);
      assert.equal(pod.status.conditions.find((c) => c.type === "Ready")?.status, "True", "readiness probe");
      const container = (pod.spec.containers as { livenessProbe?: unknown; readinessProbe?: unknown }[])[0];
      assert.ok(container?.livenessProbe && container.readinessProbe);
      await cluster.cp.kubectl(["get", "networkpolicy", release, "-n", operatorNamespace], { check: true });
      measured.operatorPodSecurity = await podSecurityLevel(cluster.cp, pod);
      assert.equal(measured.operatorPodSecurity, "restricted");
      const log = await cluster.cp.kubectl(["logs", "-n", operatorNamespace, pod.metadata.name], {
        check: true,
      });
      assert.match(log.stdout, /"installRuntime":"pod".*Chose where installers run/);
    });

    test("a build runs prepare Job → install Pod → extract Job to Succeeded, outputs on its PVC and in the catalog", async () => {
      // The hanging build (below) starts alongside: it shares the ISO, and waits out its timeout meanwhile
      // (its %pre never ends, so it hangs early, leaving the CPU to this build).
      const hang = "%pre\necho this pre-install script never ends\nwhile :; do sleep 3600; done\n%end";
      await applyBuild(cluster.cp, await tinyBuild("tiny", builds, url));
      await applyBuild(
        cluster.cp,
        await tinyBuild(
          "tiny-hang",
          builds,
          url,
          set("spec.install.timeout", hangTimeout),
          set("spec.install.answerFile", { fragments: [hang] }),
        ),
      );
      const watched = await untilFinished(cluster.cp, builds, "tiny", 30 * 60_000, pods);
      first = watched.build;
      measured.podRuntime = { seconds: watched.seconds, steps: first.status?.steps, seen: watched.seen };
      assert.equal(succeeded(first)?.reason, "Built", JSON.stringify(first.status, null, 2));
      const said = watched.seen.join("\n");
      for (const phase of ["Fetching", "Remastering", "Installing", "Extracting"])
        assert.match(said, new RegExp(`^${phase}`, "m"), said);
      // The install Pod's worker says which accelerator it uses, and its progress comes through.
      assert.match(
        said,
        /^Installing \[install( \d+%)?\] Installing in a Pod of Job tiny-install-\w+ with (KVM|TCG)/m,
        said,
      );
      assert.deepEqual(
        first.status?.steps?.map((s) => s.name),
        ["fetch", "remaster", "install", "extract", "publish"],
      );

      const image = await kubectlJson<RootfsImage>(cluster.cp, [
        "get",
        "rootfsimage",
        first.status?.image ?? "",
      ]);
      assert.equal(image.spec.buildKey, first.status?.buildKey);
      const dir = await outputsDir(builds, "tiny");
      const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as Manifest;
      assert.equal(manifest.buildKey, first.status?.buildKey);
      for (const artifact of image.spec.artifacts) {
        const file = await stat(path.join(path.dirname(dir), artifact.location));
        // An nfsroot tree's size is its files' sum; every other artifact is one file.
        if (artifact.kind === "nfsroot") assert.ok(file.isDirectory(), artifact.location);
        else assert.equal(file.size, artifact.size, artifact.location);
      }
    });

    test("rootfs verify boots the published cgz", { timeout: 10 * 60_000 }, async () => {
      const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");
      const { stdout } = await run(process.execPath, [cli, "verify", await outputsDir(builds, "tiny")], {
        timeout: 9 * 60_000,
      });
      assert.match(stdout, /verified|ok/i);
    });

    test("a second build of the same key is a catalog hit and makes no Pods", async () => {
      await applyBuild(cluster.cp, await tinyBuild("tiny-again", builds, url));
      const { build } = await untilFinished(cluster.cp, builds, "tiny-again", 60_000);
      assert.equal(succeeded(build)?.reason, "CatalogHit");
      assert.equal(build.status?.image, first.status?.image);
      assert.deepEqual(await operatorPods(cluster.cp, builds, "rootfs.dev/build=tiny-again"), []);
    });

    test("deleting a build leaves none of its children; the ISO it shares stays for the other build", async () => {
      await cluster.cp.kubectl(
        ["delete", "rootfsbuild", "tiny", "-n", builds, "--wait=true", "--timeout=120s"],
        {
          check: true,
          timeoutMs: 130_000,
        },
      );
      const children = () =>
        kubectlJson<{
          items: { kind: string; metadata: { name: string; labels?: Record<string, string> } }[];
        }>(cluster.cp, [
          "get",
          "jobs,pods,pvc,secrets",
          "-n",
          builds,
          "-l",
          "app.kubernetes.io/managed-by=rootfs-operator",
        ]);
      const own = (list: Awaited<ReturnType<typeof children>>) =>
        list.items.filter((o) => o.metadata.labels?.["rootfs.dev/build"] === "tiny");
      const left = await eventually(children, (list) => own(list).length === 0, {
        timeoutMs: 120_000,
        intervalMs: 1000,
      });
      // tiny-hang still uses the remastered ISO: its PVC stays.
      assert.ok(
        left.items.some(
          (o) => o.kind === "PersistentVolumeClaim" && o.metadata.labels?.["rootfs.dev/step"] === "iso",
        ),
      );
    });

    test("an installer that hangs ends in InstallTimeout with the console tail in status, and no Pods left", async () => {
      const { build, seconds } = await untilFinished(cluster.cp, builds, "tiny-hang", 15 * 60_000, pods);
      measured.hangSeconds = seconds;
      measured.podSecurity = await levelsOf(pods);
      const condition = succeeded(build);
      assert.equal(condition?.reason, "InstallTimeout", JSON.stringify(build.status, null, 2));
      assert.match(condition?.message ?? "", new RegExp(`ran longer than ${hangTimeout}`));
      assert.match(condition?.message ?? "", /Running pre-installation scripts/);
      assert.doesNotMatch(condition?.message ?? "", /Installing filesystem/);
      await eventually(
        () => operatorPods(cluster.cp, builds, "rootfs.dev/build=tiny-hang"),
        (left) => left.length === 0,
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
    });

    describe("with KubeVirt's API, the tests playing the VM", () => {
      before(async () => {
        await installKubevirtApi(cluster);
        await helmInstall(cluster, "upgrade", releaseValues("kubevirt"));
      });

      test("the prepare and extract Jobs run for real around the install VM", async () => {
        // Another build key (no tarball) in another namespace: nothing is shared with the builds above.
        await applyBuild(
          cluster.cp,
          await tinyBuild("tiny-vm", kubevirtBuilds, url, set("spec.outputs.tarball.enabled", false)),
        );
        const watching = untilFinished(cluster.cp, kubevirtBuilds, "tiny-vm", 20 * 60_000, kubevirtPods);
        watching.catch(() => undefined); // awaited below, unless playing the VM fails first
        await playKubevirtInstall(cluster, kubevirtBuilds, "tiny-vm", first);
        const watched = await watching;
        measured.kubevirtRuntime = {
          seconds: watched.seconds,
          steps: watched.build.status?.steps,
          seen: watched.seen,
        };
        measured.kubevirtPodSecurity = await levelsOf(kubevirtPods);
        assert.equal(
          succeeded(watched.build)?.reason,
          "Built",
          JSON.stringify(watched.build.status, null, 2),
        );
        assert.match(watched.seen.join("\n"), /Installing in VM tiny-vm-install-/);
        const ran = await operatorPods(cluster.cp, kubevirtBuilds);
        assert.deepEqual(
          ran.map((pod) => pod.status?.phase),
          ran.map(() => "Succeeded"),
        );
        assert.ok(ran.some((pod) => pod.metadata.labels?.["rootfs.dev/step"] === "extract"));
      });
    });
  },
);
