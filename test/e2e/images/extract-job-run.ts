// Runs the extract Job the operator makes (extractJob's command, env, mounts and securityContext) in the
// worker image with readOnlyRun, and records what its container was from inside: ids, capabilities,
// no_new_privs and the directories it could write.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, chown, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { buildConfigKey } from "../../../src/api/worker-contract.js";
import { manifestSchema, type Manifest } from "../../../src/api/output-manifest.js";
import type { FixtureDisk } from "../../helpers/disk-fixtures.js";
import { capabilityNames, readOnlyRun, workerImage, type RunResult } from "./images.js";
import type { WorkerConfig } from "./worker-config.js";

const exec = promisify(execFile);
// The kubelet mounts the termination-log file there; here it is a file in the Job's /tmp.
const terminationLog = "/dev/termination-log";

// Before the Job's command starts, records what its container is from inside, in /tmp: its ids,
// capability sets and no_new_privs (which the command keeps: exec gives uid 0 its bounding set, and any
// other uid nothing), and which of these directories it can create a file in.
const probed = ["/", "/etc", "/usr/local/lib", "/app", "/config", "/target", "/tmp", "/output"];
const probe = `grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs):' /proc/self/status >/tmp/.probe-status
for dir in ${probed.join(" ")}; do
  if (: >"\${dir%/}/.probe") 2>/dev/null; then rm "\${dir%/}/.probe"; echo "$dir writable"; else echo "$dir read-only"; fi
done >/tmp/.probe-writable
exec "$@"`;

export interface JobRun {
  run: RunResult;
  out: string;
  manifest: Manifest;
  /** The termination message. */
  result: unknown;
  /** /proc/self/status of the container's process: Uid, CapEff, NoNewPrivs… */
  status: Map<string, string>;
  /** "/tmp writable", "/ read-only"…, for each probed directory. */
  writable: string[];
}

/**
 * The disk as a raw image where uid 65532 can read it, as the target PVC's disk.img is for the Job (the
 * fixture cache is under root's home). Sparse, so the copy is quick.
 */
async function targetDir(disk: FixtureDisk, dir: string): Promise<string> {
  const target = path.join(dir, "target");
  await mkdir(target);
  const image = path.join(target, "disk.img");
  if (disk.format === "raw") await exec("cp", ["--sparse=always", disk.path, image]);
  else await exec("qemu-img", ["convert", "-f", disk.format, "-O", "raw", disk.path, image]);
  await chmod(image, 0o644);
  return target;
}

/**
 * Runs the extract Job of `build` on `disk` with `readOnlyRun`: the container's user, capabilities, env
 * and command, its volumes as directories under `dir` (/output owned by the Job's user, as fsGroup makes
 * it for the non-root Job), writable or not as the Job mounts them.
 */
export async function runExtractJob(dir: string, disk: FixtureDisk, build: WorkerConfig): Promise<JobRun> {
  const pod = build.extractJob.spec.template.spec;
  const [container] = pod.containers;
  assert.ok(container && pod.containers.length === 1 && !pod.initContainers);
  // What readOnlyRun always does: the run would not be the Job's if the Job asked for something else.
  const security = container.securityContext;
  assert.equal(security.readOnlyRootFilesystem, true);
  assert.equal(security.allowPrivilegeEscalation, false);
  assert.deepEqual(security.capabilities.drop, ["ALL"]);
  const [uid, gid] = [security.runAsUser, pod.securityContext.runAsGroup];

  await mkdir(dir);
  await chmod(dir, 0o755);
  const config = path.join(dir, "config");
  const out = path.join(dir, "output");
  const tmp = path.join(dir, "tmp");
  await mkdir(config);
  await writeFile(path.join(config, buildConfigKey), build.json, { mode: 0o644 });
  await mkdir(out);
  await chown(out, uid, gid);
  await mkdir(tmp);
  await chmod(tmp, 0o1777);
  const volumes: Record<string, string> = {
    "/target": await targetDir(disk, dir),
    "/config": config,
    "/output": out,
    "/tmp": tmp,
  };
  const mounts = container.volumeMounts.map((mount) => {
    const host = volumes[mount.mountPath];
    assert.ok(host, `no local directory for the Job's mount ${mount.mountPath}`);
    return { host, path: mount.mountPath, readOnly: mount.readOnly ?? false };
  });
  const env = container.env.map((variable) => {
    assert.ok("value" in variable, `${variable.name} comes from a Secret`);
    return `${variable.name}=${variable.value}`;
  });
  assert.ok(container.command.includes(terminationLog), container.command.join(" "));
  const command = container.command.map((arg) => (arg === terminationLog ? "/tmp/termination-log" : arg));

  const run = await readOnlyRun(workerImage, {
    user: `${uid}:${gid}`,
    capabilities: security.capabilities.add ?? [],
    env,
    mounts,
    command: ["sh", "-c", probe, "sh", ...command],
  });
  assert.equal(run.code, 0, `rootfs worker extract failed:\n${run.stderr}\n${run.stdout}`);
  const inTmp = (name: string) => readFile(path.join(tmp, name), "utf8");
  const manifest = manifestSchema.parse(JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")));
  const status = new Map(
    (await inTmp(".probe-status")).split("\n").flatMap((line) => {
      const match = /^(\w+):\s*(.*?)\s*$/.exec(line);
      return match ? [[match[1] ?? "", match[2] ?? ""] as const] : [];
    }),
  );
  const writable = (await inTmp(".probe-writable")).trim().split("\n");
  return { run, out, manifest, result: JSON.parse(await inTmp("termination-log")), status, writable };
}

/** The container process ran as uid:gid with exactly `capabilities`, no_new_privs, and wrote only to /tmp and /output. */
export function assertRanAs(job: JobRun, id: number, capabilities: readonly string[]): void {
  const ids = [id, id, id, id].join("\t");
  const sets = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"] as const;
  assert.deepEqual(
    {
      Uid: job.status.get("Uid"),
      Gid: job.status.get("Gid"),
      NoNewPrivs: job.status.get("NoNewPrivs"),
      ...Object.fromEntries(sets.map((s) => [s, capabilityNames(job.status.get(s) ?? "0")])),
    },
    {
      Uid: ids,
      Gid: ids,
      NoNewPrivs: "1",
      CapInh: [],
      CapPrm: [...capabilities].sort(),
      CapEff: [...capabilities].sort(),
      CapBnd: [...capabilities].sort(),
      CapAmb: [],
    },
  );
  const writable = new Set(["/tmp", "/output"]);
  assert.deepEqual(
    job.writable,
    probed.map((dir) => `${dir} ${writable.has(dir) ? "writable" : "read-only"}`),
  );
}
