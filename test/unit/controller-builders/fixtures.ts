// Build contexts for the manifest builders: a RootfsBuild from the shared base plus modifiers, parsed
// (so defaults apply), with an answer plan from planAnswerFile and a stub reference resolver.
import { createHash } from "node:crypto";
import type { RootfsBuild } from "../../../src/api/rootfsbuild.js";
import { parseRootfsBuild } from "../../../src/api/validate.js";
import { operatorConfigSchema, type OperatorConfig } from "../../../src/controller/config.js";
import type { BuildContext, InstallRuntime } from "../../../src/controller/builders/index.js";
import { planAnswerFile, type RefResolver } from "../../../src/plan/answer-plan.js";
import { inNamespace, rootfsBuild, set, withDistro, type Modifier } from "../../helpers/builds.js";

export { set } from "../../helpers/builds.js";

export const namespace = "builds";
export const rootPasswordHash = "$6$rounds=4096$saltsalt$L6dy9IrXz.5GmnE2hFBm1mNSRTcWXuYkNmbw1RnmZmxmDl3xnT";

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
export const buildKey = sha256("build key fixture");
export const isoKey = sha256("iso key fixture");

export const stubRefs: RefResolver = {
  secretValue: () => Promise.resolve(rootPasswordHash),
  configMapValue: (name, key) => Promise.reject(new Error(`unexpected ConfigMap lookup ${name}/${key}`)),
};

export interface DistroCase {
  id: string;
  modifier: Modifier;
  arch: "x86_64" | "aarch64";
  /** The label of the answer side volume; undefined when the answer file is embedded in the ISO. */
  sideVolume: "OEMDRV" | "cidata" | undefined;
  answerFiles: string[];
}

export const distroCases: DistroCase[] = [
  {
    id: "openeuler kickstart x86_64",
    modifier: withDistro("openeuler", "24.03-LTS", "x86_64"),
    arch: "x86_64",
    sideVolume: "OEMDRV",
    answerFiles: ["ks.cfg"],
  },
  {
    id: "openeuler kickstart aarch64",
    modifier: withDistro("openeuler", "24.03-LTS", "aarch64"),
    arch: "aarch64",
    sideVolume: "OEMDRV",
    answerFiles: ["ks.cfg"],
  },
  {
    id: "debian preseed x86_64",
    modifier: withDistro("debian", "12", "x86_64"),
    arch: "x86_64",
    sideVolume: undefined,
    answerFiles: ["preseed.cfg"],
  },
  {
    id: "ubuntu autoinstall x86_64",
    modifier: withDistro("ubuntu", "24.04", "x86_64"),
    arch: "x86_64",
    sideVolume: "cidata",
    answerFiles: ["user-data", "meta-data"],
  },
];

export const pvcStorage = { claimName: "rootfs-artifacts", subPath: "openeuler/24.03" };
export const s3Storage = {
  bucket: "rootfs-images",
  prefix: "openeuler/",
  endpoint: "https://s3.example.internal",
  credentialsSecretRef: { name: "rootfs-s3" },
};

export const storageCases = [
  { id: "pvc only", storage: { pvc: pvcStorage }, pvc: true, s3: false },
  { id: "s3 only", storage: { s3: s3Storage }, pvc: false, s3: true },
  { id: "pvc and s3", storage: { pvc: pvcStorage, s3: s3Storage }, pvc: true, s3: true },
] as const;

export const withStorage = (storage: unknown): Modifier => set("spec.storage", storage);
export const withRootPassword: Modifier = set("spec.install.rootPassword", {
  secretKeyRef: { name: "root-password", key: "hash" },
});

/** A parsed RootfsBuild in `namespace` with a uid derived from its name, as the apiserver would return it. */
export function buildNamed(name: string, ...modifiers: Modifier[]): RootfsBuild {
  const hex = sha256(`uid ${name}`);
  const uid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  const build = parseRootfsBuild(
    rootfsBuild(
      "placeholder",
      inNamespace(namespace),
      set("metadata.uid", uid),
      withStorage({ pvc: pvcStorage }),
      ...modifiers,
    ),
  );
  // Builds made before the CRD limited names to 63 characters may have longer ones: the builders cope.
  return { ...build, metadata: { ...build.metadata, name } };
}

export function operatorConfig(input: Record<string, unknown> = {}): OperatorConfig {
  return operatorConfigSchema.parse(input);
}

export async function contextFor(
  build: RootfsBuild,
  opts: { config?: OperatorConfig; key?: string; isoKey?: string; installRuntime?: InstallRuntime } = {},
): Promise<BuildContext> {
  return {
    build,
    key: opts.key ?? buildKey,
    isoKey: opts.isoKey ?? isoKey,
    sourceSHA256: "f".repeat(64),
    sourceURL: "https://repo.example/os.iso",
    pinnedChecksum: `sha256:${"f".repeat(64)}`,
    plan: await planAnswerFile(build.spec, stubRefs),
    config: opts.config ?? operatorConfig({ storageClassName: "fast-local" }),
    installRuntime: opts.installRuntime ?? "kubevirt",
  };
}
