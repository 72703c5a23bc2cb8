// The real single-node cluster itself: the kubelet runs Pods and Jobs under Pod Security "restricted",
// serves their logs, hands out /dev/kvm through the device plugin, mounts hostPath volumes, and Pods
// reach the apiserver through the kubernetes Service (as the operator's Deployment will).
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startCluster, type Cluster } from "../../harness/cluster/cluster.js";
import { volumeDir } from "../../harness/cluster/storage.js";
import { eventually } from "../../helpers/eventually.js";
import { skipWithoutCluster } from "./availability.js";
import { apply, namespaceManifest, podResult, restrictedPodSpec } from "./pods.js";

const skip = await skipWithoutCluster();
const ns = "node-test";

describe("a real single-node cluster", { skip, timeout: 15 * 60_000 }, () => {
  let cluster: Cluster;
  before(async () => {
    const started = Date.now();
    cluster = await startCluster({ volumes: 2 });
    console.log(`Cluster started in ${(Date.now() - started) / 1000} s: ${JSON.stringify(cluster.timings)}`);
    await apply(cluster.cp, namespaceManifest(ns, "restricted"));
    await eventually(
      () => cluster.cp.kubectl(["get", "serviceaccount", "default", "-n", ns]),
      (r) => r.code === 0,
    );
  });
  after(() => cluster?.stop());

  test("the node is Ready with containerd and offers the KVM device", async () => {
    const node = JSON.parse(
      (await cluster.cp.kubectl(["get", "node", cluster.layout.nodeName, "-o", "json"], { check: true }))
        .stdout,
    ) as {
      status: {
        nodeInfo: { containerRuntimeVersion: string; kubeletVersion: string };
        addresses: { type: string; address: string }[];
        allocatable: Record<string, string>;
      };
    };
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/1\.6\./);
    assert.equal(node.status.nodeInfo.kubeletVersion, "v1.34.4");
    assert.deepEqual(
      node.status.addresses.find((a) => a.type === "InternalIP")?.address,
      cluster.layout.nodeIp,
    );
    if (existsSync("/dev/kvm")) assert.equal(node.status.allocatable["devices.kubevirt.io/kvm"], "110");
  });

  test("a Job runs to completion under restricted, and its log comes through the apiserver", async () => {
    await apply(cluster.cp, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "hello", namespace: ns },
      spec: {
        backoffLimit: 0,
        template: { spec: restrictedPodSpec(["sh", "-c", "echo hello from $(id -u)"]) },
      },
    });
    const waited = await cluster.cp.kubectl(
      ["wait", "--for=condition=Complete", "job/hello", "-n", ns, "--timeout=90s"],
      { timeoutMs: 100_000 },
    );
    assert.equal(waited.code, 0, waited.stderr);
    const log = await cluster.cp.kubectl(["logs", "-n", ns, "job/hello"], { check: true });
    assert.equal(log.stdout.trim(), "hello from 65532");
  });

  test(
    "a non-root Pod opens /dev/kvm through the device plugin with the kvm group as a supplemental group",
    { skip: existsSync("/dev/kvm") ? false : "this host has no /dev/kvm" },
    async () => {
      const kvmGroup = statSync("/dev/kvm").gid;
      const open = [
        "node",
        "-e",
        "require('fs').closeSync(require('fs').openSync('/dev/kvm','r+'));console.log('opened')",
      ];
      const pod = (name: string, spec: Record<string, unknown>) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: ns },
        spec,
      });
      await apply(
        cluster.cp,
        pod(
          "kvm",
          restrictedPodSpec(open, {
            resources: { "devices.kubevirt.io/kvm": "1" },
            supplementalGroups: [kvmGroup],
          }),
        ),
        pod("kvm-no-group", restrictedPodSpec(open, { resources: { "devices.kubevirt.io/kvm": "1" } })),
        pod("no-kvm", restrictedPodSpec(open, { supplementalGroups: [kvmGroup] })),
      );
      const [withDevice, withoutGroup, withoutDevice] = await Promise.all(
        ["kvm", "kvm-no-group", "no-kvm"].map((name) => podResult(cluster.cp, ns, name)),
      );
      assert.deepEqual(withDevice, { phase: "Succeeded", log: "opened\n" });
      assert.equal(withoutGroup?.phase, "Failed");
      assert.match(withoutGroup?.log ?? "", /EACCES/);
      assert.equal(withoutDevice?.phase, "Failed");
      assert.match(withoutDevice?.log ?? "", /ENOENT/);
    },
  );

  test("a PVC binds to a hostPath volume that a non-root Pod writes", async () => {
    await apply(
      cluster.cp,
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", namespace: ns },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "writer", namespace: ns },
        spec: restrictedPodSpec(["sh", "-c", "echo written > /data/file && ls -ln /data/file"], {
          volumes: [{ name: "data", claimName: "data", mountPath: "/data" }],
        }),
      },
    );
    const result = await podResult(cluster.cp, ns, "writer");
    assert.equal(result.phase, "Succeeded", result.log);
    const pvc = await cluster.cp.kubectl([
      "get",
      "pvc",
      "data",
      "-n",
      ns,
      "-o",
      "jsonpath={.spec.volumeName}",
    ]);
    const file = path.join(volumeDir(cluster.layout.dir, pvc.stdout.trim()), "file");
    assert.equal(readFileSync(file, "utf8"), "written\n");
    assert.equal(statSync(file).uid, 65532);
  });

  test("a Pod reaches the apiserver through the kubernetes Service with its ServiceAccount token", async () => {
    const script = [
      "const fs=require('fs');const dir='/var/run/secrets/kubernetes.io/serviceaccount';",
      "require('https').get({host:process.env.KUBERNETES_SERVICE_HOST,port:process.env.KUBERNETES_SERVICE_PORT,",
      "path:'/api/v1/namespaces/" + ns + "/serviceaccounts/default',ca:fs.readFileSync(dir+'/ca.crt'),",
      "headers:{authorization:'Bearer '+fs.readFileSync(dir+'/token','utf8')}},",
      "r=>{console.log(r.statusCode);process.exit(0)}).on('error',e=>{console.log(e.message);process.exit(1)})",
    ].join("");
    await apply(cluster.cp, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "in-cluster", namespace: ns },
      spec: restrictedPodSpec(["node", "-e", script], { serviceAccountToken: true }),
    });
    // The default ServiceAccount may not read ServiceAccounts: 403 proves TLS, the token and the route.
    assert.deepEqual(await podResult(cluster.cp, ns, "in-cluster"), { phase: "Succeeded", log: "403\n" });
  });
});
