// Our kubeconfig loader + credentials against @kubernetes/client-node's KubeConfig on the same files:
// the server, TLS material and headers each request carries must be the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import type https from "node:https";
import os from "node:os";
import path from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { credentialsFor, type RequestAuth } from "../../../src/runtime/kube-credentials.js";
import { loadKubeAccess, type LoadOptions } from "../../../src/runtime/kubeconfig.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const cluster = (name: string, fields: Record<string, unknown>) => ({ name, cluster: fields });
const user = (name: string, fields: Record<string, unknown>) => ({ name, user: fields });
const context = (name: string, clusterName: string, userName: string) => ({
  name,
  context: { cluster: clusterName, user: userName },
});

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), "kubeconfig-test-"));
}

function kubeconfig(dir: string, doc: Record<string, unknown>, name = "config"): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "Config", ...doc }));
  return file;
}

/** One cluster, one user, one context named "main", current. */
function single(dir: string, clusterFields: Record<string, unknown>, userFields: Record<string, unknown>) {
  return kubeconfig(dir, {
    clusters: [cluster("c", { server: "https://127.0.0.1:6443/", ...clusterFields })],
    users: [user("u", userFields)],
    contexts: [context("main", "c", "u")],
    "current-context": "main",
  });
}

interface Seen {
  server: string | undefined;
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: boolean;
  servername?: string;
  authorization?: string;
  impersonate?: string;
}

function fromOurs(server: string, auth: RequestAuth): Seen {
  return normalise(server, auth.tls, auth.headers);
}

async function fromClientNode(kc: KubeConfig): Promise<Seen> {
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const headers = { ...(opts.headers as Record<string, string>) };
  if (opts.auth && !headers.Authorization) headers.Authorization = `Basic ${b64(opts.auth)}`;
  return normalise(kc.getCurrentCluster()?.server, opts, headers);
}

function normalise(
  server: string | undefined,
  tls: {
    ca?: string | Buffer | unknown[];
    cert?: string | Buffer | unknown[];
    key?: string | Buffer | unknown[];
    rejectUnauthorized?: boolean;
    servername?: string;
  },
  headers: Record<string, string>,
): Seen {
  const text = (v: string | Buffer | unknown[] | undefined) => (v === undefined ? undefined : v.toString());
  const seen: Seen = { server };
  const fields = {
    ca: text(tls.ca),
    cert: text(tls.cert),
    key: text(tls.key),
    rejectUnauthorized: tls.rejectUnauthorized,
    servername: tls.servername,
    authorization: headers.Authorization,
    impersonate: headers["Impersonate-User"],
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) Object.assign(seen, { [k]: v });
  return seen;
}

async function ours(opts: LoadOptions): Promise<Seen> {
  const access = loadKubeAccess(opts);
  return fromOurs(access.cluster.server, await credentialsFor(access).requestAuth());
}

async function theirs(file: string, contextName?: string): Promise<Seen> {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  if (contextName) kc.setCurrentContext(contextName);
  return fromClientNode(kc);
}

/** A shell script printing `credential` as an ExecCredential and counting its runs in `<dir>/runs`. */
function execPlugin(dir: string, status: Record<string, string>): string {
  const script = path.join(dir, "plugin.sh");
  const doc = JSON.stringify({
    apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    status,
  });
  writeFileSync(
    script,
    `#!/bin/sh\necho run >> "${dir}/runs"\n[ "$PLUGIN_MODE" = ok ] || exit 3\necho '${doc}'\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

void test("kubeconfig: a bearer token and an inline CA match client-node", async () => {
  const dir = scratch();
  const file = single(dir, { "certificate-authority-data": b64("CA PEM") }, { token: "abc" });
  const seen = await ours({ kubeconfig: file });
  assert.deepEqual(seen, await theirs(file));
  assert.deepEqual(seen, {
    server: "https://127.0.0.1:6443",
    ca: "CA PEM",
    authorization: "Bearer abc",
  });
});

void test("kubeconfig: client certificate, key and CA files, relative to the kubeconfig, match client-node", async () => {
  const dir = scratch();
  mkdirSync(path.join(dir, "pki"));
  for (const [name, text] of [
    ["ca.crt", "CA"],
    ["client.crt", "CERT"],
    ["client.key", "KEY"],
  ]) {
    writeFileSync(path.join(dir, "pki", name ?? ""), text ?? "");
  }
  const file = single(
    dir,
    { "certificate-authority": "pki/ca.crt" },
    { "client-certificate": "pki/client.crt", "client-key": "pki/client.key" },
  );
  const seen = await ours({ kubeconfig: file });
  assert.deepEqual(seen, await theirs(file));
  assert.equal(seen.cert, "CERT");
  assert.equal(seen.key, "KEY");
});

void test("kubeconfig: inline client cert, skipped verification, TLS server name, impersonation match client-node", async () => {
  const dir = scratch();
  const file = single(
    dir,
    { "insecure-skip-tls-verify": true, "tls-server-name": "api.internal" },
    {
      "client-certificate-data": b64("CERT"),
      "client-key-data": b64("KEY"),
      token: "t",
      as: "someone",
    },
  );
  const seen = await ours({ kubeconfig: file });
  assert.deepEqual(seen, await theirs(file));
  assert.equal(seen.rejectUnauthorized, false);
  assert.equal(seen.servername, "api.internal");
  assert.equal(seen.impersonate, "someone");
});

void test("kubeconfig: basic auth matches client-node", async () => {
  const dir = scratch();
  const file = single(dir, {}, { username: "admin", password: "secret" });
  const seen = await ours({ kubeconfig: file });
  assert.deepEqual(seen, await theirs(file));
  assert.equal(seen.authorization, `Basic ${b64("admin:secret")}`);
});

void test("kubeconfig: the context given overrides current-context, as in client-node", async () => {
  const dir = scratch();
  const file = kubeconfig(dir, {
    clusters: [cluster("a", { server: "https://a:1" }), cluster("b", { server: "https://b:2" })],
    users: [user("ua", { token: "ta" }), user("ub", { token: "tb" })],
    contexts: [context("ctx-a", "a", "ua"), context("ctx-b", "b", "ub")],
    "current-context": "ctx-a",
  });
  assert.deepEqual(await ours({ kubeconfig: file, context: "ctx-b" }), await theirs(file, "ctx-b"));
  assert.equal((await ours({ kubeconfig: file })).server, "https://a:1");
  assert.throws(() => loadKubeAccess({ kubeconfig: file, context: "nope" }), /has no context "nope"/);
});

void test("kubeconfig: an exec plugin's token and client certificate match client-node; ours runs it once", async () => {
  const dir = scratch();
  const plugin = execPlugin(dir, {
    token: "from-plugin",
    clientCertificateData: "CERT",
    clientKeyData: "KEY",
  });
  const exec = {
    apiVersion: "client.authentication.k8s.io/v1",
    command: plugin,
    env: [{ name: "PLUGIN_MODE", value: "ok" }],
  };
  const file = single(dir, { "certificate-authority-data": b64("CA") }, { exec });
  const access = loadKubeAccess({ kubeconfig: file });
  const credentials = credentialsFor(access);
  const seen = fromOurs(access.cluster.server, await credentials.requestAuth());
  assert.deepEqual(seen, await theirs(file));
  assert.equal(seen.authorization, "Bearer from-plugin");
  assert.equal(seen.cert, "CERT");
  const runsBefore = runs(dir);
  await Promise.all([credentials.requestAuth(), credentials.requestAuth(), credentials.requestAuth()]);
  assert.equal(runs(dir), runsBefore, "a credential without expiry is reused until a 401");
  credentials.invalidate();
  await credentials.requestAuth();
  assert.equal(runs(dir), runsBefore + 1, "after a 401 the plugin runs again");
});

void test("kubeconfig: several KUBECONFIG files merge as in client-node when they do not overlap", async () => {
  const dir = scratch();
  const first = kubeconfig(dir, { contexts: [context("main", "c", "u")], "current-context": "main" }, "one");
  const second = kubeconfig(
    dir,
    { clusters: [cluster("c", { server: "https://merged:6443" })], users: [user("u", { token: "m" })] },
    "two",
  );
  const env = { KUBECONFIG: [first, second].join(path.delimiter) };
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = env.KUBECONFIG;
  try {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    assert.deepEqual(await ours({ env }), await fromClientNode(kc));
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

void test("kubeconfig: the in-cluster ServiceAccount matches client-node's loadFromCluster", async () => {
  const root = scratch();
  const saDir = path.join(root, "var/run/secrets/kubernetes.io/serviceaccount");
  mkdirSync(saDir, { recursive: true });
  writeFileSync(path.join(saDir, "token"), "sa-token");
  writeFileSync(path.join(saDir, "ca.crt"), "CLUSTER CA");
  writeFileSync(path.join(saDir, "namespace"), "rootfs-system");
  const env = { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443", HOME: root };
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const kc = new KubeConfig();
    kc.loadFromCluster(root);
    const access = loadKubeAccess({ env, serviceAccountDir: saDir });
    assert.deepEqual(
      fromOurs(access.cluster.server, await credentialsFor(access).requestAuth()),
      await fromClientNode(kc),
    );
    assert.equal(access.cluster.server, "https://[fd00::1]:443");
    assert.equal(access.namespace, "rootfs-system");
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
});

void test("kubeconfig: an auth-provider user is handed to client-node and gets what client-node gives", async () => {
  const dir = scratch();
  writeFileSync(path.join(dir, "provider-token"), "provided");
  const file = single(
    dir,
    { "certificate-authority-data": b64("CA") },
    { "auth-provider": { name: "file-token", config: { tokenFile: path.join(dir, "provider-token") } } },
  );
  const seen = await ours({ kubeconfig: file });
  assert.deepEqual(seen, await theirs(file));
  assert.equal(seen.authorization, "Bearer provided");
});

// Where we differ from client-node on purpose.

void test("kubeconfig: a token file is trimmed and re-read after a minute (projected tokens rotate)", async () => {
  const dir = scratch();
  const tokenFile = path.join(dir, "token");
  writeFileSync(tokenFile, "first\n");
  const file = single(dir, {}, { tokenFile });
  let now = 1_000_000;
  const credentials = credentialsFor(loadKubeAccess({ kubeconfig: file }), () => now);
  assert.equal((await credentials.requestAuth()).headers.Authorization, "Bearer first");
  writeFileSync(tokenFile, "second");
  now += 30_000;
  assert.equal((await credentials.requestAuth()).headers.Authorization, "Bearer first");
  now += 31_000;
  assert.equal((await credentials.requestAuth()).headers.Authorization, "Bearer second");
});

void test("kubeconfig: with overlapping KUBECONFIG files the first definition and current-context win, as in kubectl", () => {
  const dir = scratch();
  const first = kubeconfig(
    dir,
    {
      clusters: [cluster("c", { server: "https://first:1" })],
      users: [user("u", { token: "first" })],
      contexts: [context("main", "c", "u")],
      "current-context": "main",
    },
    "one",
  );
  const second = kubeconfig(
    dir,
    {
      clusters: [cluster("c", { server: "https://second:2" })],
      users: [user("u", { token: "second" })],
      contexts: [context("other", "c", "u")],
      "current-context": "other",
    },
    "two",
  );
  const missing = path.join(dir, "absent");
  const access = loadKubeAccess({ env: { KUBECONFIG: [missing, first, second].join(path.delimiter) } });
  assert.equal(access.context, "main");
  assert.equal(access.cluster.server, "https://first:1");
  assert.deepEqual(access.user, { token: "first" });
});

void test("kubeconfig: an expiring exec credential is renewed; a failing plugin says why", async () => {
  const dir = scratch();
  let now = Date.parse("2030-01-01T00:00:00Z");
  const plugin = execPlugin(dir, { token: "short", expirationTimestamp: "2030-01-01T00:05:00Z" });
  const exec = { command: plugin, env: [{ name: "PLUGIN_MODE", value: "ok" }] };
  const credentials = credentialsFor(loadKubeAccess({ kubeconfig: single(dir, {}, { exec }) }), () => now);
  await credentials.requestAuth();
  now += 4 * 60_000;
  await credentials.requestAuth();
  assert.equal(runs(dir), 1);
  now += 60_000;
  await credentials.requestAuth();
  assert.equal(runs(dir), 2, "renewed once the expiry is near");

  const failing = { command: plugin, installHint: "install the plugin" };
  const broken = credentialsFor(loadKubeAccess({ kubeconfig: single(dir, {}, { exec: failing }) }));
  await assert.rejects(broken.requestAuth(), /exec plugin .*plugin\.sh exited with status 3/);
  const absent = { command: path.join(dir, "no-such-plugin"), installHint: "install the plugin" };
  const missing = credentialsFor(loadKubeAccess({ kubeconfig: single(dir, {}, { exec: absent }) }));
  await assert.rejects(missing.requestAuth(), /cannot run exec plugin .*ENOENT.*install the plugin/);
});

void test("kubeconfig: bad or missing input gets a specific error", () => {
  const dir = scratch();
  const noServer = kubeconfig(dir, { clusters: [cluster("c", {})], contexts: [context("m", "c", "u")] }, "a");
  assert.throws(
    () => loadKubeAccess({ kubeconfig: noServer, context: "m" }),
    /clusters\[0\]\.cluster\.server is missing/,
  );
  const noUser = kubeconfig(
    dir,
    {
      clusters: [cluster("c", { server: "https://x" })],
      contexts: [context("m", "c", "u")],
      "current-context": "m",
    },
    "b",
  );
  assert.throws(() => loadKubeAccess({ kubeconfig: noUser }), /names user "u", which is not defined/);
  assert.throws(
    () => loadKubeAccess({ env: { HOME: dir }, serviceAccountDir: path.join(dir, "none") }),
    /no Kubernetes credentials found/,
  );
  writeFileSync(path.join(dir, "c"), "clusters: [");
  assert.throws(() => loadKubeAccess({ kubeconfig: path.join(dir, "c") }), /is not valid YAML/);
});

function runs(dir: string): number {
  try {
    return readFileSync(path.join(dir, "runs"), "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}
