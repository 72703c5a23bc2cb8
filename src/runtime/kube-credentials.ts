// What each request to the apiserver carries: TLS material and headers, from a loaded kubeconfig.
// Same results as @kubernetes/client-node's KubeConfig.applyToHTTPSOptions for the users and clusters
// kubeconfig.ts reads (test/unit/runtime/kube-credentials.test.ts compares the two); `auth-provider`
// users (oidc, and the gcp/azure providers kubectl removed) and `proxy-url` clusters are handed to
// client-node itself, imported only for them.

import { readFile } from "node:fs/promises";
import type http from "node:http";
import type https from "node:https";
import { ExecCredentialSource } from "./exec-credential.js";
import type { KubeAccess } from "./kubeconfig.js";

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer | string;
  key?: Buffer | string;
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface RequestAuth {
  tls: TlsMaterial;
  headers: Record<string, string>;
  /** Only for clusters behind proxy-url: client-node's proxy agent. */
  agent?: http.Agent;
}

export interface Credentials {
  requestAuth(): Promise<RequestAuth>;
  /** The apiserver answered 401: forget cached tokens so the next request fetches fresh ones. */
  invalidate(): void;
}

/** Token files (projected ServiceAccount tokens rotate) and certificates are re-read this often. */
const fileRefreshMs = 60_000;

export function credentialsFor(access: KubeAccess, now: () => number = Date.now): Credentials {
  return access.user.authProvider || access.cluster.proxyUrl
    ? new ClientNodeCredentials(access, now)
    : new KubeconfigCredentials(access, now);
}

class KubeconfigCredentials implements Credentials {
  private readonly files: FileCache;
  private readonly exec: ExecCredentialSource | undefined;

  constructor(
    private readonly access: KubeAccess,
    now: () => number,
  ) {
    this.files = new FileCache(now);
    this.exec = access.user.exec ? new ExecCredentialSource(access.user.exec, now) : undefined;
  }

  async requestAuth(): Promise<RequestAuth> {
    const { cluster, user } = this.access;
    const tls: TlsMaterial = {};
    if (cluster.insecureSkipTlsVerify) tls.rejectUnauthorized = false;
    if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
    const ca = await this.fileOrData(cluster.caFile, cluster.caData);
    const cert = await this.fileOrData(user.certFile, user.certData);
    const key = await this.fileOrData(user.keyFile, user.keyData);
    if (ca) tls.ca = ca;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    const headers: Record<string, string> = {};
    if (user.impersonate) headers["Impersonate-User"] = user.impersonate;
    // Order as in client-node: the exec plugin's credential, then a static token over it.
    const fromExec = await this.exec?.credential();
    if (fromExec?.clientCertificateData) tls.cert = fromExec.clientCertificateData;
    if (fromExec?.clientKeyData) tls.key = fromExec.clientKeyData;
    const token =
      user.token ??
      (user.tokenFile ? (await this.files.read(user.tokenFile)).toString("utf8").trim() : fromExec?.token);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (user.username) headers.Authorization = basic(user.username, user.password);
    return { tls, headers };
  }

  invalidate(): void {
    this.exec?.invalidate();
    this.files.clear();
  }

  private async fileOrData(file: string | undefined, data: string | undefined): Promise<Buffer | undefined> {
    if (file) return this.files.read(file);
    return data ? Buffer.from(data, "base64") : undefined;
  }
}

/** client-node's KubeConfig, loaded on first use, for what only it implements. */
class ClientNodeCredentials implements Credentials {
  private readonly files: FileCache;
  private kubeConfig: Promise<{ applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> }> | undefined;

  constructor(
    private readonly access: KubeAccess,
    now: () => number,
  ) {
    this.files = new FileCache(now);
  }

  async requestAuth(): Promise<RequestAuth> {
    const { cluster, user } = this.access;
    this.kubeConfig ??= this.load();
    const opts: https.RequestOptions = { headers: {} };
    await (await this.kubeConfig).applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name] = String(value);
    // A static token wins, as in client-node; a tokenFile is re-read here so that rotation works.
    const token =
      user.token ?? (user.tokenFile && (await this.files.read(user.tokenFile)).toString("utf8").trim());
    if (token) headers.Authorization = `Bearer ${token}`;
    if (opts.auth && !headers.Authorization) {
      const [username = "", password] = opts.auth.split(/:(.*)/s);
      headers.Authorization = basic(username, password);
    }
    const tls: TlsMaterial = {
      ...(opts.ca !== undefined && { ca: opts.ca as Buffer }),
      ...(opts.cert !== undefined && { cert: opts.cert as Buffer | string }),
      ...(opts.key !== undefined && { key: opts.key as Buffer | string }),
      ...(opts.rejectUnauthorized !== undefined && { rejectUnauthorized: opts.rejectUnauthorized }),
      ...(opts.servername !== undefined && { servername: opts.servername }),
    };
    const agent = cluster.proxyUrl && typeof opts.agent === "object" ? opts.agent : undefined;
    return { tls, headers, ...(agent && { agent }) };
  }

  invalidate(): void {
    this.files.clear();
  }

  private async load() {
    const { KubeConfig } = await import("@kubernetes/client-node");
    const { cluster, user, clusterName, userName, context } = this.access;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: clusterName,
          server: cluster.server,
          caFile: cluster.caFile,
          caData: cluster.caData,
          skipTLSVerify: cluster.insecureSkipTlsVerify,
          tlsServerName: cluster.tlsServerName,
          proxyUrl: cluster.proxyUrl,
        },
      ],
      users: [
        {
          name: userName,
          certFile: user.certFile,
          certData: user.certData,
          keyFile: user.keyFile,
          keyData: user.keyData,
          username: user.username,
          password: user.password,
          impersonateUser: user.impersonate,
          exec: user.exec,
          authProvider: user.authProvider,
        },
      ],
      contexts: [{ name: context, cluster: clusterName, user: userName }],
      currentContext: context,
    });
    return kc;
  }
}

/** File contents, re-read once they are older than fileRefreshMs. */
class FileCache {
  private readonly entries = new Map<string, { data: Buffer; readAt: number }>();

  constructor(private readonly now: () => number) {}

  async read(file: string): Promise<Buffer> {
    const entry = this.entries.get(file);
    if (entry && this.now() - entry.readAt < fileRefreshMs) return entry.data;
    const data = await readFile(file).catch((err: Error) => {
      throw new Error(`cannot read ${file} named in the kubeconfig: ${err.message}`);
    });
    this.entries.set(file, { data, readAt: this.now() });
    return data;
  }

  clear(): void {
    this.entries.clear();
  }
}

function basic(username: string, password: string | undefined): string {
  return `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`;
}
