import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { startControlPlane, type ControlPlane } from "../harness/control-plane.js";

// The first run on a machine builds kube-apiserver/kubectl/etcd (many minutes
// on 2 cores); later runs reuse the cache.
void test(
  "control plane: starts, serves /readyz, creates a namespace, stops",
  { timeout: 45 * 60_000 },
  async () => {
    const cp: ControlPlane = await startControlPlane();
    try {
      const ready = await cp.kubectl(["get", "--raw", "/readyz"], { check: true });
      assert.equal(ready.stdout.trim(), "ok");

      await cp.kubectl(["create", "namespace", "x"], { check: true });
      const ns = await cp.kubectl(["get", "namespace", "x", "-o", "jsonpath={.status.phase}"], {
        check: true,
      });
      assert.equal(ns.stdout, "Active");

      // RBAC is enforced: a fresh ServiceAccount can authenticate but not list namespaces.
      const saKubeconfig = await cp.serviceAccountKubeconfig("x", "tester");
      const who = await cp.kubectl(["auth", "whoami", "-o", "jsonpath={.status.userInfo.username}"], {
        kubeconfig: saKubeconfig,
        check: true,
      });
      assert.equal(who.stdout, "system:serviceaccount:x:tester");
      const denied = await cp.kubectl(["get", "namespaces"], { kubeconfig: saKubeconfig });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /forbidden/i);
    } finally {
      await cp.stop();
    }
    assert.equal(existsSync(cp.dir), false, "scratch dir removed by stop()");
    // After stop() nothing listens on the apiserver port any more.
    const port = Number(new URL(cp.server).port);
    const refused = await new Promise<boolean>((resolve) => {
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => (sock.destroy(), resolve(false)));
      sock.once("error", () => resolve(true));
    });
    assert.equal(refused, true, "kube-apiserver still listening after stop()");
  },
);
