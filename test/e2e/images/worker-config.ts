// /config/build.json for `rootfs worker extract`, made the way the operator makes the answer Secret's
// build.json (buildConfigJson over a BuildContext), and the extract Job the operator makes for the same
// context (its command and securityContext), for a build whose installed disk is a fixture disk.
import { createHash } from "node:crypto";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { parseRootfsBuild } from "../../../src/api/validate.js";
import { operatorConfigSchema } from "../../../src/controller/config.js";
import { buildConfigJson } from "../../../src/controller/builders/answer-secret.js";
import type { BuildContext } from "../../../src/controller/builders/build-context.js";
import type { Job } from "../../../src/controller/builders/core-types.js";
import { extractJob } from "../../../src/controller/builders/extract-job.js";
import { resolveStorage } from "../../../src/controller/builders/storage.js";
import { planAnswerFile, type RefResolver } from "../../../src/plan/answer-plan.js";
import type { FixtureDisk } from "../../helpers/disk-fixtures.js";
import { inNamespace, rootfsBuild, set, withDistro, type Modifier } from "../../helpers/builds.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const noRefs: RefResolver = {
  secretValue: (name) => Promise.reject(new Error(`unexpected Secret lookup ${name}`)),
  configMapValue: (name) => Promise.reject(new Error(`unexpected ConfigMap lookup ${name}`)),
};

export interface WorkerConfig {
  build: RootfsBuild;
  key: string;
  sourceSHA256: string;
  json: string;
  extractJob: Job;
}

export async function workerConfig(
  name: string,
  disk: FixtureDisk,
  ...modifiers: Modifier[]
): Promise<WorkerConfig> {
  const build = parseRootfsBuild(
    rootfsBuild(
      name,
      inNamespace("builds"),
      set("metadata.uid", "6f1c3b2a-0d4e-4f5a-8b6c-7d8e9f0a1b2c"),
      disk.distro === "debian" ? withDistro("debian", "12") : withDistro("fedora", "42"),
      set("spec.storage", { pvc: { claimName: "rootfs-artifacts" } }),
      ...modifiers,
    ),
  );
  const key = sha256(`image test ${name}`);
  const sourceSHA256 = sha256(`source iso ${name}`);
  const ctx: BuildContext = {
    build,
    key,
    isoKey: sha256(`iso ${name}`),
    sourceSHA256,
    sourceURL: "https://mirror.example/source.iso",
    pinnedChecksum: `sha256:${sourceSHA256}`,
    plan: await planAnswerFile(build.spec, noRefs),
    config: operatorConfigSchema.parse({}),
    installRuntime: "kubevirt",
  };
  const json = buildConfigJson(ctx);
  return {
    build,
    key,
    sourceSHA256,
    json,
    extractJob: extractJob(ctx, {
      storage: resolveStorage(build, ctx.config),
      targetDiskPvc: { metadata: { name: "disk", uid: "b2a4c6e8-0000-4000-8000-000000000001" } },
    }),
  };
}
