// Exec credential plugins (kubeconfig users.user.exec: aws eks get-token, gke-gcloud-auth-plugin,
// kubelogin, …): run the command, read an ExecCredential from its stdout, reuse it until it expires.

import { spawn } from "node:child_process";
import type { ExecConfig } from "./kubeconfig.js";

export interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

const timeoutMs = 60_000;
const maxOutputBytes = 1024 * 1024;
/** Refresh this long before the stated expiry, so a request never goes out with a dying token. */
const expirySkewMs = 10_000;

/**
 * One plugin's credential, cached. Like client-go (and unlike client-node, which reruns the plugin
 * on every request when no expiry is given), a credential without expirationTimestamp is kept until
 * the apiserver rejects it: `invalidate()` after a 401. Concurrent callers share one run.
 */
export class ExecCredentialSource {
  private cached: { status: ExecCredentialStatus; expires: number } | undefined;
  private running: Promise<ExecCredentialStatus> | undefined;

  constructor(
    private readonly exec: ExecConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async credential(): Promise<ExecCredentialStatus> {
    if (this.cached && this.cached.expires > this.now()) return this.cached.status;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async run(): Promise<ExecCredentialStatus> {
    const stdout = await runPlugin(this.exec);
    const status = parseExecCredential(stdout, this.exec.command);
    const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Infinity;
    if (Number.isNaN(expiry)) {
      throw new Error(
        `exec plugin ${this.exec.command} returned an unreadable expirationTimestamp "${status.expirationTimestamp}"`,
      );
    }
    this.cached = { status, expires: expiry - expirySkewMs };
    return status;
  }
}

/** The status of an ExecCredential printed by `command`, checked to carry a token or a client cert. */
export function parseExecCredential(stdout: string, command: string): ExecCredentialStatus {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new Error(
      `exec plugin ${command} did not print an ExecCredential as JSON: ${stdout.slice(0, 200)}`,
    );
  }
  const status = (doc as { kind?: unknown; status?: unknown } | null)?.status;
  if (typeof status !== "object" || status === null) {
    throw new Error(`exec plugin ${command} printed an ExecCredential without status`);
  }
  const s = status as Record<string, unknown>;
  const text = (key: string) => (typeof s[key] === "string" && s[key] !== "" ? s[key] : undefined);
  const result: ExecCredentialStatus = {};
  const token = text("token");
  const cert = text("clientCertificateData");
  const key = text("clientKeyData");
  const expiry = text("expirationTimestamp");
  if (token) result.token = token;
  if (cert) result.clientCertificateData = cert;
  if (key) result.clientKeyData = key;
  if (expiry) result.expirationTimestamp = expiry;
  if (!token && !(cert && key)) {
    throw new Error(
      `exec plugin ${command} returned neither status.token nor status.clientCertificateData + clientKeyData`,
    );
  }
  return result;
}

function runPlugin(exec: ExecConfig): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const { name, value } of exec.env) env[name] = value;
  // What client-go passes: the plugin may not prompt (no terminal is ours to lend it).
  env.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion,
    kind: "ExecCredential",
    spec: { interactive: false },
  });
  return new Promise((resolve, reject) => {
    const child = spawn(exec.command, exec.args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOutputBytes) child.kill("SIGKILL");
      else out.push(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderr = (stderr + text).slice(-4096);
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = err.code === "ENOENT" && exec.installHint ? `; ${exec.installHint.trim()}` : "";
      reject(new Error(`cannot run exec plugin ${exec.command}: ${err.message}${hint}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out).toString("utf8"));
      const why =
        outBytes > maxOutputBytes
          ? `printed more than ${maxOutputBytes} bytes`
          : signal
            ? `was killed by ${signal} (limit ${timeoutMs / 1000} s)`
            : `exited with status ${code}`;
      reject(new Error(`exec plugin ${exec.command} ${why}: ${stderr.trim() || "(no message)"}`));
    });
  });
}
