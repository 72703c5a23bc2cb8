// `rootfs worker fetch|remaster|extract` as the cluster's Jobs run them, on this machine: fetch and
// remaster read only the prepare Secret's files (no build's answers), extract uploads to a real S3 server
// when the Job's environment names one.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { parseRootfsBuild } from "../../../src/api/validate.js";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { prepareSecret, type Secret } from "../../../src/controller/builders/index.js";
import { isoKeyFor } from "../../../src/controller/kubevirt-backend/iso-key.js";
import { probeIso } from "../../../src/iso/index.js";
import { planAnswerFile } from "../../../src/plan/answer-plan.js";
import { s3EnvNames } from "../../../src/steps/publish/s3/index.js";
import { sha256OfFile } from "../../../src/lib/files.js";
import { startS3Server, type S3Server } from "../../harness/s3-server.js";
import { fixtureDisks } from "../../helpers/disk-fixtures.js";
import type { TestServer } from "../../helpers/http-server.js";
import { repoRoot } from "../../helpers/paths.js";
import { buildTinyInstaller, serveTinyInstaller, type TinyInstaller } from "../../helpers/tiny-installer.js";
import { parse } from "yaml";
import { workerConfig } from "../images/worker-config.js";
import { adminClient, newBucket, sha256OfObject } from "../../integration/publish-s3/fixtures.js";

const run = promisify(execFile);
const cli = path.join(repoRoot, "dist", "src", "cli", "main.js");

/** Writes a Secret's keys as files, the way the kubelet mounts it at /config. */
async function mountSecret(secret: Secret, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [key, value] of Object.entries(secret.data)) {
    await writeFile(path.join(dir, key), Buffer.from(value, "base64"));
  }
  return dir;
}

async function worker(args: string[], env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [cli, "worker", ...args], {
    env: { ...process.env, ...env },
    maxBuffer: 64 << 20,
  });
}

let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "worker-commands-"));
});
after(() => rm(work, { recursive: true, force: true }));

describe("rootfs worker fetch + remaster", () => {
  let installer: TinyInstaller;
  let server: TestServer;

  before(async () => {
    installer = await buildTinyInstaller();
    server = await serveTinyInstaller(installer, 0);
  });
  after(() => server?.close());

  test("fetch then remaster, as the prepare Pod's two containers, from prepare.json alone", async () => {
    const manifest = parse(await readFile(path.join(repoRoot, "examples", "tiny.yaml"), "utf8")) as {
      spec: { source: { iso: Record<string, string> } };
    };
    manifest.spec.source.iso = {
      url: `${server.url}/tiny-installer.iso`,
      checksumURL: `${server.url}/tiny-installer.iso.sha256sum`,
    };
    const build = parseRootfsBuild({
      ...manifest,
      metadata: { name: "tiny", namespace: "builds", uid: "0b3c6f3e-5f0e-4d8e-9f5e-2f1d0c9b8a7e" },
    });
    const sourceSHA256 = await sha256OfFile(installer.iso);
    const plan = await planAnswerFile(build.spec, {
      secretValue: () => Promise.reject(new Error("no Secrets here")),
      configMapValue: () => Promise.reject(new Error("no ConfigMaps here")),
    });
    const ctx = {
      build,
      key: "k".repeat(64),
      isoKey: isoKeyFor(sourceSHA256, plan),
      sourceSHA256,
      sourceURL: `${server.url}/tiny-installer.iso`,
      pinnedChecksum: `sha256:${sourceSHA256}`,
      plan,
      // The test serves the ISO over plain http on loopback, which the operator refuses by default.
      config: operatorConfigSchema.parse({ sources: { allowPlainHTTP: true, allowPrivateAddresses: true } }),
      installRuntime: "kubevirt" as const,
    };
    const isoPvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "iso", uid: "u" } };
    const config = await mountSecret(prepareSecret(ctx, isoPvc), path.join(work, "prepare-config"));
    const out = path.join(work, "iso", "disk.img");
    await mkdir(path.dirname(out), { recursive: true });
    const source = path.join(work, "pod-tmp", "source.iso");
    await mkdir(path.dirname(source), { recursive: true });
    const results = { fetch: path.join(work, "fetch-result"), remaster: path.join(work, "remaster-result") };
    const prepareJson = path.join(config, "prepare.json");

    // The prepare Pod: the fetch init container, then the remaster container, sharing /tmp.
    await worker([
      ...["fetch", "--config", prepareJson, "--out", source],
      ...["--result", results.fetch, "--cache", path.join(work, "pod-tmp", "cache")],
    ]);
    await worker([
      ...["remaster", "--config", prepareJson, "--source", source, "--out", out],
      ...["--result", results.remaster],
    ]);

    type Reported = { sourceSHA256?: string; volumeId?: string; steps: { name: string }[] };
    const fetched = JSON.parse(await readFile(results.fetch, "utf8")) as Reported;
    const reported = JSON.parse(await readFile(results.remaster, "utf8")) as Reported;
    assert.equal(fetched.sourceSHA256, sourceSHA256);
    assert.deepEqual(
      [...fetched.steps, ...reported.steps].map((s) => s.name),
      ["fetch", "remaster"],
    );
    // The remastered ISO keeps the label and boots the installer at the OEMDRV side volume.
    const layout = await probeIso(out);
    assert.equal(layout.volumeId, reported.volumeId);
    const isolinux = await run("bsdtar", ["-xOf", out, "isolinux/isolinux.cfg"]);
    assert.match(isolinux.stdout, /inst\.ks=hd:LABEL=OEMDRV:\/ks\.cfg/);
  });
});

describe("rootfs worker extract → S3", () => {
  let s3: S3Server;
  let admin: S3Client;

  before(async () => {
    s3 = await startS3Server();
    admin = adminClient(s3);
  });
  after(async () => {
    admin?.destroy();
    await s3?.stop();
  });

  test("with --output-ephemeral, only uploaded artifacts are reported, each matching its object", async () => {
    const bucket = await newBucket(admin);
    const disk = (await fixtureDisks()).xfs;
    const { json } = await workerConfig("to-s3", disk);
    const configDir = path.join(work, "extract-config");
    await mkdir(configDir, { recursive: true });
    await writeFile(path.join(configDir, "build.json"), json);
    const out = path.join(work, "extract-out");
    const result = path.join(work, "extract-result");
    const env = {
      [s3EnvNames.bucket]: bucket,
      [s3EnvNames.prefix]: "fedora/42",
      [s3EnvNames.endpoint]: s3.endpoint,
      [s3EnvNames.region]: s3.region,
      [s3EnvNames.forcePathStyle]: "true",
      [s3EnvNames.accessKeyId]: s3.accessKeyId,
      [s3EnvNames.secretAccessKey]: s3.secretAccessKey,
      LIBGUESTFS_BACKEND: "direct",
    };

    await worker(
      [
        ...["extract", "--config", path.join(configDir, "build.json"), "--disk", disk.path],
        ...["--out", out, "--result", result, "--output-ephemeral"],
      ],
      env,
    );

    const reported = JSON.parse(await readFile(result, "utf8")) as {
      artifacts: { kind: string; location: string; size: number; sha256: string }[];
    };
    assert.ok(reported.artifacts.length >= 3, JSON.stringify(reported.artifacts));
    assert.ok(
      reported.artifacts.every((a) => a.location.startsWith(`s3://${bucket}/fedora/42/`)),
      JSON.stringify(reported.artifacts.map((a) => a.location)),
    );
    assert.ok(!reported.artifacts.some((a) => a.kind === "nfsroot"), "an nfsroot cannot live in S3");
    for (const artifact of reported.artifacts) {
      const key = artifact.location.slice(`s3://${bucket}/`.length);
      const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentLength, artifact.size, key);
      assert.equal(await sha256OfObject(admin, bucket, key), artifact.sha256, key);
    }
  });

  test("an S3 bucket without credentials fails with PublishFailed before extracting anything", async () => {
    const disk = (await fixtureDisks()).xfs;
    const { json } = await workerConfig("no-creds", disk);
    const configDir = path.join(work, "no-creds-config");
    await mkdir(configDir, { recursive: true });
    await writeFile(path.join(configDir, "build.json"), json);
    const result = path.join(work, "no-creds-result");
    await assert.rejects(
      worker(
        [
          ...["extract", "--config", path.join(configDir, "build.json"), "--disk", disk.path],
          ...["--out", path.join(work, "no-creds-out"), "--result", result, "--output-ephemeral"],
        ],
        { [s3EnvNames.bucket]: "b", [s3EnvNames.accessKeyId]: "", [s3EnvNames.secretAccessKey]: "" },
      ),
    );
    const failure = JSON.parse(await readFile(result, "utf8")) as { reason: string; message: string };
    assert.equal(failure.reason, "PublishFailed");
    assert.match(failure.message, /credentialsSecretRef must hold both keys/);
  });
});
