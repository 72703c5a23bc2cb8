// The kubeconfig credentials we read ourselves, against a real kube-apiserver: client certificates
// signed by its client CA, an exec plugin, and a rejected exec credential replaced after the 401.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startControlPlane, type ControlPlane } from "../../harness/control-plane.js";
import { ApiError, coreRefs, KubeClient } from "../../../src/runtime/kube-client.js";

let cp: ControlPlane;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "kubeconfig-auth-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=test-client-ca",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/O=system:masters/CN=cert-admin",
    "-keyout",
    "client.key",
    "-out",
    "client.csr",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "client.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "1",
    "-out",
    "client.crt",
  );
  cp = await startControlPlane({ extraApiServerArgs: [`--client-ca-file=${path.join(dir, "ca.crt")}`] });
});
after(() => cp?.stop());

function kubeconfig(name: string, userFields: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "test",
          cluster: {
            server: cp.server,
            "certificate-authority-data": Buffer.from(cp.caPem).toString("base64"),
          },
        },
      ],
      users: [{ name: "u", user: userFields }],
      contexts: [{ name: "test", context: { cluster: "test", user: "u" } }],
      "current-context": "test",
    }),
  );
  return file;
}

/** An exec plugin that prints the token in `<dir>/<name>.token` and counts its runs. */
function plugin(name: string, token: string): string {
  writeFileSync(path.join(dir, `${name}.token`), token);
  const script = path.join(dir, `${name}.sh`);
  writeFileSync(
    script,
    `#!/bin/sh\necho run >> "${dir}/${name}.runs"\n` +
      `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat "${dir}/${name}.token")"\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

function runs(name: string): number {
  return readFileSync(path.join(dir, `${name}.runs`), "utf8")
    .split("\n")
    .filter(Boolean).length;
}

void test("kubeconfig auth: a client certificate from files relative to the kubeconfig logs in", async () => {
  const client = KubeClient.load({
    kubeconfig: kubeconfig("cert.kubeconfig", {
      "client-certificate": "client.crt",
      "client-key": "client.key",
    }),
  });
  try {
    const list = await client.list(coreRefs.namespace);
    assert.ok(list.items.some((ns) => ns.metadata.name === "default"));
  } finally {
    client.close();
  }
});

void test("kubeconfig auth: an exec plugin's token logs in and is reused; after a 401 the plugin runs again", async () => {
  const command = plugin("exec", "not-the-token");
  const client = KubeClient.load({
    kubeconfig: kubeconfig("exec.kubeconfig", {
      exec: { apiVersion: "client.authentication.k8s.io/v1", command },
    }),
  });
  try {
    await assert.rejects(client.list(coreRefs.namespace), (e) => e instanceof ApiError && e.status === 401);
    assert.equal(runs("exec"), 1);
    writeFileSync(path.join(dir, "exec.token"), cp.adminToken);
    await client.list(coreRefs.namespace);
    await client.list(coreRefs.namespace);
    assert.equal(runs("exec"), 2, "one new run after the 401, then the credential is reused");
  } finally {
    client.close();
  }
});
