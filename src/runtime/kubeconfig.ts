// Reads a kubeconfig (or the in-cluster ServiceAccount) into the one cluster + user we talk to.
//
// @kubernetes/client-node's KubeConfig does this too, but its module imports the whole generated API
// (gen/index.js), the proxy agents and js-yaml: ~2.7 s of the operator's ~3 s start-up on a 2-core
// machine, paid on every restart and leader failover (kubernetes-client/javascript#242 asked for a
// split and was closed unresolved). This module covers what we support with `yaml`, which we load
// anyway; kube-credentials.ts still hands `auth-provider` users and `proxy-url` clusters to
// client-node, imported only then. If client-node ever exposes KubeConfig from a light entry point,
// KubeTransport could take it again.
//
// Where client-node and kubectl differ, this follows client-node for what is loaded (KUBECONFIG, then
// ~/.kube/config, then in-cluster) and kubectl for merging several KUBECONFIG files (the first file
// to name a cluster, user, context or current-context wins; missing files are skipped), where
// client-node throws on a duplicate name and lets a later file's current-context win.

import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";

export interface KubeCluster {
  /** Without a trailing slash. */
  server: string;
  caFile?: string;
  /** Base64, as in the kubeconfig. */
  caData?: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
}

export interface KubeUser {
  token?: string;
  /** Re-read periodically: projected ServiceAccount tokens rotate. */
  tokenFile?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  username?: string;
  password?: string;
  /** `as`: sent as Impersonate-User. */
  impersonate?: string;
  exec?: ExecConfig;
  authProvider?: { name: string; config: Record<string, unknown> };
}

/** The cluster and user of the selected context, and where they came from (for messages). */
export interface KubeAccess {
  source: string;
  context: string;
  cluster: KubeCluster;
  clusterName: string;
  user: KubeUser;
  userName: string;
  namespace?: string;
}

export interface LoadOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Where the in-cluster ServiceAccount files are (tests point it elsewhere). */
  serviceAccountDir?: string;
}

export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Named entries and current-context of one or more merged kubeconfig files, paths made absolute. */
interface Kubeconfig {
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
  contexts: Map<string, { cluster: string; user?: string; namespace?: string }>;
  currentContext?: string;
}

/** Loads like kubectl: the given file, else $KUBECONFIG, ~/.kube/config, or the in-cluster ServiceAccount. */
export function loadKubeAccess(opts: LoadOptions = {}): KubeAccess {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return select(readKubeconfigs([opts.kubeconfig], true), opts.kubeconfig, opts.context);
  const listed = (env.KUBECONFIG ?? "").split(path.delimiter).filter((file) => file !== "");
  if (listed.length > 0) {
    const found = listed.filter((file) => existsSync(file));
    if (found.length === 0) throw new Error(`none of the KUBECONFIG files exist (${listed.join(", ")})`);
    return select(readKubeconfigs(found, false), `KUBECONFIG (${found.join(", ")})`, opts.context);
  }
  const home = env.HOME ?? os.homedir();
  const personal = path.join(home, ".kube", "config");
  if (existsSync(personal)) return select(readKubeconfigs([personal], true), personal, opts.context);
  const saDir = opts.serviceAccountDir ?? serviceAccountDir;
  if (existsSync(path.join(saDir, "token"))) return inCluster(env, saDir);
  throw new Error("no Kubernetes credentials found: set KUBECONFIG, pass a kubeconfig, or run in a cluster");
}

/** The ServiceAccount's token and CA, and the apiserver the kubelet names in the environment. */
export function inCluster(env: NodeJS.ProcessEnv, saDir: string): KubeAccess {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new Error(
      `found ${saDir}/token but KUBERNETES_SERVICE_HOST/PORT are not set; pass a kubeconfig instead`,
    );
  }
  // client-node's choice: these ports are plain HTTP by convention (kubectl proxy, insecure port).
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  const namespaceFile = path.join(saDir, "namespace");
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8") : undefined;
  return {
    source: `in-cluster ServiceAccount (${saDir})`,
    context: "inClusterContext",
    clusterName: "inCluster",
    userName: "inClusterUser",
    cluster: {
      server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      caFile: path.join(saDir, "ca.crt"),
      insecureSkipTlsVerify: false,
    },
    user: { tokenFile: path.join(saDir, "token") },
    ...(namespace !== undefined && { namespace }),
  };
}

function readKubeconfigs(files: string[], mustExist: boolean): Kubeconfig {
  const merged: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if (!mustExist && (err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new Error(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
    }
    const one = parseKubeconfig(text, path.dirname(path.resolve(file)), file);
    for (const key of ["clusters", "users", "contexts"] as const) {
      const into = merged[key] as Map<string, unknown>;
      for (const [name, value] of one[key]) if (!into.has(name)) into.set(name, value);
    }
    merged.currentContext ??= one.currentContext;
  }
  return merged;
}

/** One kubeconfig file's text; relative file paths are resolved against `dir`. */
export function parseKubeconfig(text: string, dir: string, file = "kubeconfig"): Kubeconfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid YAML: ${(err as Error).message}`);
  }
  const doc = record(raw ?? {}, file);
  const at = (p: string | undefined) => (p === undefined ? undefined : path.resolve(dir, p));
  const clusters = named(doc.clusters, "clusters", "cluster", file, (c, where) => ({
    server: required(str(c.server, `${where}.server`), `${where}.server`).replace(/\/+$/, ""),
    ...defined("caFile", at(str(c["certificate-authority"], `${where}.certificate-authority`))),
    ...defined("caData", str(c["certificate-authority-data"], `${where}.certificate-authority-data`)),
    insecureSkipTlsVerify: c["insecure-skip-tls-verify"] === true,
    ...defined("tlsServerName", str(c["tls-server-name"], `${where}.tls-server-name`)),
    ...defined("proxyUrl", str(c["proxy-url"], `${where}.proxy-url`)),
  }));
  const users = named(doc.users, "users", "user", file, (u, where): KubeUser => {
    const s = (key: string) => str(u[key], `${where}.${key}`);
    return {
      ...defined("token", s("token")),
      // kubectl spells it tokenFile; client-node reads token-file.
      ...defined("tokenFile", at(s("tokenFile") ?? s("token-file"))),
      ...defined("certFile", at(s("client-certificate"))),
      ...defined("certData", s("client-certificate-data")),
      ...defined("keyFile", at(s("client-key"))),
      ...defined("keyData", s("client-key-data")),
      ...defined("username", s("username")),
      ...defined("password", s("password")),
      ...defined("impersonate", s("as")),
      ...defined("exec", u.exec === undefined ? undefined : execConfig(u.exec, `${where}.exec`)),
      ...defined("authProvider", u["auth-provider"] === undefined ? undefined : authProvider(u, where)),
    };
  });
  const contexts = named(doc.contexts, "contexts", "context", file, (c, where) => ({
    cluster: required(str(c.cluster, `${where}.cluster`), `${where}.cluster`),
    ...defined("user", str(c.user, `${where}.user`)),
    ...defined("namespace", str(c.namespace, `${where}.namespace`)),
  }));
  const currentContext = str(doc["current-context"], `${file}: current-context`) || undefined;
  return { clusters, users, contexts, ...defined("currentContext", currentContext) };
}

function select(config: Kubeconfig, source: string, context: string | undefined): KubeAccess {
  const name = context ?? config.currentContext;
  if (!name) throw new Error(`${source} sets no current-context; set one or pass a context`);
  const ctx = config.contexts.get(name);
  if (!ctx) throw new Error(`${source} has no context "${name}"; check current-context or the context given`);
  const cluster = config.clusters.get(ctx.cluster);
  if (!cluster)
    throw new Error(`${source}: context "${name}" names cluster "${ctx.cluster}", which is not defined`);
  const userName = ctx.user ?? "";
  const user = ctx.user === undefined ? {} : config.users.get(ctx.user);
  if (!user) throw new Error(`${source}: context "${name}" names user "${userName}", which is not defined`);
  return {
    source,
    context: name,
    cluster,
    clusterName: ctx.cluster,
    user,
    userName,
    ...defined("namespace", ctx.namespace),
  };
}

function execConfig(raw: unknown, where: string): ExecConfig {
  const e = record(raw, where);
  const args = e.args ?? [];
  const env = e.env ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw new Error(`${where}.args must be a list of strings`);
  }
  if (!Array.isArray(env)) throw new Error(`${where}.env must be a list of {name, value}`);
  return {
    command: required(str(e.command, `${where}.command`), `${where}.command`),
    args,
    env: env.map((item, i) => {
      const pair = record(item, `${where}.env[${i}]`);
      const name = required(str(pair.name, `${where}.env[${i}].name`), `${where}.env[${i}].name`);
      return { name, value: str(pair.value, `${where}.env[${i}].value`) ?? "" };
    }),
    apiVersion: str(e.apiVersion, `${where}.apiVersion`) ?? "client.authentication.k8s.io/v1beta1",
    ...defined("installHint", str(e.installHint, `${where}.installHint`)),
  };
}

function authProvider(user: Record<string, unknown>, where: string): KubeUser["authProvider"] {
  const p = record(user["auth-provider"], `${where}.auth-provider`);
  const name = required(str(p.name, `${where}.auth-provider.name`), `${where}.auth-provider.name`);
  return { name, config: p.config === undefined ? {} : record(p.config, `${where}.auth-provider.config`) };
}

/** A list of `{name, <key>: {...}}` as a map from name to the parsed inner object. */
function named<T>(
  list: unknown,
  field: string,
  key: string,
  file: string,
  parseOne: (inner: Record<string, unknown>, where: string) => T,
): Map<string, T> {
  const result = new Map<string, T>();
  if (list === undefined || list === null) return result;
  if (!Array.isArray(list)) throw new Error(`${file}: ${field} must be a list`);
  list.forEach((item, i) => {
    const where = `${file}: ${field}[${i}]`;
    const entry = record(item, where);
    const name = required(str(entry.name, `${where}.name`), `${where}.name`);
    if (result.has(name)) return; // kubectl keeps the first of duplicate names
    result.set(name, parseOne(record(entry[key] ?? {}, `${where}.${key}`), `${where}.${key}`));
  });
  return result;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be a mapping`);
  }
  return value as Record<string, unknown>;
}

function str(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`${where} must be a string`);
  return value;
}

function required(value: string | undefined, where: string): string {
  if (!value) throw new Error(`${where} is missing`);
  return value;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
