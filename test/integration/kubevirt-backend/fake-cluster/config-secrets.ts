// The Secrets a worker Pod or VM mounts, read as the kubelet (or virt-launcher) would.
import assert from "node:assert/strict";
import { coreRefs, type KubeObject } from "../../../../src/runtime/index.js";
import { namespace, type Env } from "../env.js";
import { workerTime } from "./worker-reports.js";

export type SecretVolume = { name: string; secret?: { secretName?: string } };

/** The files of the Secret a worker Job mounts at /config, as the kubelet would write them. */
export async function configFilesOf(
  env: Env,
  volumes: SecretVolume[] | undefined,
): Promise<Record<string, Buffer>> {
  const secretName = volumes?.find((v) => v.name === "config")?.secret?.secretName ?? "";
  const secret = await env.client.get<KubeObject & { data?: Record<string, string> }>(
    coreRefs.secret,
    secretName,
    namespace,
  );
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]));
}

/** What a worker that verified its download reports: the digest its prepare.json pinned. */
export async function pinnedDigestReport(env: Env, volumes: SecretVolume[] | undefined): Promise<string> {
  const files = await configFilesOf(env, volumes);
  const prepare = JSON.parse(files["prepare.json"]?.toString() ?? "") as {
    source: { iso: { checksum?: string } };
  };
  const sourceSHA256 = prepare.source.iso.checksum?.replace(/^sha256:/, "");
  // What `rootfs worker fetch` writes, as the real kubelet showed it: the digest and the step's times.
  const steps = [{ name: "fetch", startTime: workerTime(0), completionTime: workerTime(1) }];
  return JSON.stringify({ ...(sourceSHA256 && { sourceSHA256 }), steps });
}

/** The kubelet (and virt-launcher) would not start a Pod whose Secret volume is missing. */
export async function assertSecretsExist(env: Env, volumes: SecretVolume[] | undefined, what: string) {
  for (const name of (volumes ?? []).flatMap((v) => (v.secret?.secretName ? [v.secret.secretName] : []))) {
    assert.ok(
      await env.client.getOrUndefined(coreRefs.secret, name, namespace),
      `${what} mounts Secret ${name}, which is missing`,
    );
  }
}
