// Generates everything this repository derives from KubeVirt's published API spec:
//
//   src/generated/kubevirt.ts                                  TypeScript types (openapi-typescript)
//   test/fixtures/kubevirt-crds/virtualmachines.kubevirt.io.yaml          structural CRD for the test apiserver
//   test/fixtures/kubevirt-crds/virtualmachineinstances.kubevirt.io.yaml  structural CRD for the test apiserver
//
// The spec is read from ../shared/kubevirt/ next to the repository (it is never copied into the repo).
//
// Usage (after `npm run build`):
//   node dist/scripts/gen-kubevirt.js           write the files
//   node dist/scripts/gen-kubevirt.js --check   regenerate in memory; exit 1 if a committed file differs
// or simply `npm run gen:kubevirt`.

import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";
import type { OpenAPI3 } from "openapi-typescript";
import { KUBEVIRT_KINDS, crdToYaml, kubevirtCrd } from "./kubevirt-crd/kubevirt-kinds.js";
import type { CustomResourceDefinition, SwaggerDocument } from "./kubevirt-crd/schema-types.js";
import { findRefs, structuralViolations } from "./kubevirt-crd/structural-checks.js";

/** The pinned input. Bump all fields together when moving to a new KubeVirt release. */
export const KUBEVIRT_SPEC = {
  version: "v1.9.0",
  commit: "79d34c1762169e5b0370ec491cef5ca12e6b504c",
  upstreamPath: "api/openapi-spec/swagger.json",
  /** Relative to the repository root. */
  file: "../shared/kubevirt/swagger-v1.9.0.json",
  sha256: "2c12b9c092941cff4dddabc65567e44a42c70d6b6c8a70d1c2a644f4960743c5",
} as const;

export const TYPES_FILE = "src/generated/kubevirt.ts";
export const CRD_DIR = "test/fixtures/kubevirt-crds";

/** CRDs larger than this are a problem for etcd (1.5 MiB request limit) and slow to apply. */
export const MAX_CRD_BYTES = 1_000_000;

/**
 * Named aliases appended to the generated types: alias -> definition name in the spec. The generator fails
 * if a definition is missing, so a spec bump cannot silently drop one.
 */
export const TYPE_ALIASES: ReadonlyArray<readonly [alias: string, definition: string]> = [
  // Top-level objects
  ["VirtualMachine", "v1.VirtualMachine"],
  ["VirtualMachineList", "v1.VirtualMachineList"],
  ["VirtualMachineSpec", "v1.VirtualMachineSpec"],
  ["VirtualMachineStatus", "v1.VirtualMachineStatus"],
  ["VirtualMachineCondition", "v1.VirtualMachineCondition"],
  ["VirtualMachineStartFailure", "v1.VirtualMachineStartFailure"],
  ["VirtualMachineInstance", "v1.VirtualMachineInstance"],
  ["VirtualMachineInstanceList", "v1.VirtualMachineInstanceList"],
  ["VirtualMachineInstanceSpec", "v1.VirtualMachineInstanceSpec"],
  ["VirtualMachineInstanceStatus", "v1.VirtualMachineInstanceStatus"],
  ["VirtualMachineInstanceCondition", "v1.VirtualMachineInstanceCondition"],
  ["VirtualMachineInstanceTemplateSpec", "v1.VirtualMachineInstanceTemplateSpec"],
  ["VirtualMachineInstanceNetworkInterface", "v1.VirtualMachineInstanceNetworkInterface"],
  ["VirtualMachineInstancePhaseTransitionTimestamp", "v1.VirtualMachineInstancePhaseTransitionTimestamp"],
  ["VirtualMachineInstanceGuestOSInfo", "v1.VirtualMachineInstanceGuestOSInfo"],
  ["VolumeStatus", "v1.VolumeStatus"],
  ["DataVolumeTemplateSpec", "v1.DataVolumeTemplateSpec"],
  ["DataVolumeSpec", "v1beta1.DataVolumeSpec"],
  // Domain
  ["DomainSpec", "v1.DomainSpec"],
  ["Devices", "v1.Devices"],
  ["Disk", "v1.Disk"],
  ["DiskTarget", "v1.DiskTarget"],
  ["CDRomTarget", "v1.CDRomTarget"],
  ["LunTarget", "v1.LunTarget"],
  ["Interface", "v1.Interface"],
  ["InterfaceBridge", "v1.InterfaceBridge"],
  ["InterfaceMasquerade", "v1.InterfaceMasquerade"],
  ["Port", "v1.Port"],
  ["Firmware", "v1.Firmware"],
  ["Bootloader", "v1.Bootloader"],
  ["BIOS", "v1.BIOS"],
  ["EFI", "v1.EFI"],
  ["KernelBoot", "v1.KernelBoot"],
  ["KernelBootContainer", "v1.KernelBootContainer"],
  ["CPU", "v1.CPU"],
  ["Memory", "v1.Memory"],
  ["Machine", "v1.Machine"],
  ["Features", "v1.Features"],
  ["Clock", "v1.Clock"],
  ["ResourceRequirements", "v1.ResourceRequirements"],
  ["Rng", "v1.Rng"],
  ["Input", "v1.Input"],
  ["Probe", "v1.Probe"],
  // Volumes
  ["Volume", "v1.Volume"],
  ["ContainerDiskSource", "v1.ContainerDiskSource"],
  ["CloudInitNoCloudSource", "v1.CloudInitNoCloudSource"],
  ["CloudInitConfigDriveSource", "v1.CloudInitConfigDriveSource"],
  ["EmptyDiskSource", "v1.EmptyDiskSource"],
  ["EphemeralVolumeSource", "v1.EphemeralVolumeSource"],
  ["HostDisk", "v1.HostDisk"],
  ["DataVolumeSource", "v1.DataVolumeSource"],
  ["PersistentVolumeClaimVolumeSource", "v1.PersistentVolumeClaimVolumeSource"],
  ["SecretVolumeSource", "v1.SecretVolumeSource"],
  ["ConfigMapVolumeSource", "v1.ConfigMapVolumeSource"],
  ["ServiceAccountVolumeSource", "v1.ServiceAccountVolumeSource"],
  ["DownwardAPIVolumeSource", "v1.DownwardAPIVolumeSource"],
  // Networks
  ["Network", "v1.Network"],
  ["PodNetwork", "v1.PodNetwork"],
  ["MultusNetwork", "v1.MultusNetwork"],
  // Access credentials
  ["AccessCredential", "v1.AccessCredential"],
  ["SSHPublicKeyAccessCredential", "v1.SSHPublicKeyAccessCredential"],
  // Kubernetes types as vendored by KubeVirt
  ["ObjectMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"],
  ["ListMeta", "k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta"],
  ["LabelSelector", "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"],
  ["Quantity", "k8s.io.apimachinery.pkg.api.resource.Quantity"],
  ["Time", "k8s.io.apimachinery.pkg.apis.meta.v1.Time"],
  ["Affinity", "k8s.io.api.core.v1.Affinity"],
  ["Toleration", "k8s.io.api.core.v1.Toleration"],
  ["CorePersistentVolumeClaimVolumeSource", "k8s.io.api.core.v1.PersistentVolumeClaimVolumeSource"],
  ["LocalObjectReference", "k8s.io.api.core.v1.LocalObjectReference"],
];

/** Aliases for string fields that KubeVirt documents as enums but the spec types as plain `string`. */
const DERIVED_ALIASES = `
/** \`status.phase\` of a VirtualMachineInstance. The spec has no enum for it, so this is \`string\`
 *  (KubeVirt uses Pending, Scheduling, Scheduled, Running, Succeeded, Failed, Unknown). */
export type VirtualMachineInstancePhase = NonNullable<NonNullable<VirtualMachineInstanceStatus>["phase"]>;
/** \`status.printableStatus\` of a VirtualMachine (plain \`string\` in the spec). */
export type VirtualMachinePrintableStatus = NonNullable<NonNullable<VirtualMachineStatus>["printableStatus"]>;
/** \`spec.runStrategy\` of a VirtualMachine (plain \`string\` in the spec, which documents Always, Halted, Manual, RerunOnFailure, Once). */
export type VirtualMachineRunStrategy = NonNullable<VirtualMachineSpec["runStrategy"]>;
`;

/** The repository root: the nearest ancestor of this module's directory holding package.json + tsconfig.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "tsconfig.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("gen-kubevirt: cannot find the repository root");
    dir = parent;
  }
}

export function specPath(root = repoRoot()): string {
  return path.resolve(root, KUBEVIRT_SPEC.file);
}

/** Read and verify the pinned spec. */
export function loadSpec(root = repoRoot()): SwaggerDocument {
  const file = specPath(root);
  if (!existsSync(file)) {
    throw new Error(
      `gen-kubevirt: ${file} not found. The KubeVirt spec is expected at ${KUBEVIRT_SPEC.file} relative to the repository root (a sibling checkout of shared/).`,
    );
  }
  const bytes = readFileSync(file);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== KUBEVIRT_SPEC.sha256) {
    throw new Error(
      `gen-kubevirt: ${file} has sha256 ${sha}, expected ${KUBEVIRT_SPEC.sha256} (KubeVirt ${KUBEVIRT_SPEC.version}). Update KUBEVIRT_SPEC in scripts/gen-kubevirt.ts when bumping KubeVirt.`,
    );
  }
  const doc: unknown = JSON.parse(bytes.toString("utf8"));
  if (typeof doc !== "object" || doc === null || !("definitions" in doc)) {
    throw new Error(`gen-kubevirt: ${file} is not a Swagger 2.0 document`);
  }
  const { swagger, definitions } = doc as { swagger?: unknown; definitions: unknown };
  if (swagger !== "2.0" || typeof definitions !== "object" || definitions === null) {
    throw new Error(`gen-kubevirt: ${file} is not a Swagger 2.0 document with definitions`);
  }
  return doc as SwaggerDocument;
}

const sourceLine = `KubeVirt ${KUBEVIRT_SPEC.version} \`${KUBEVIRT_SPEC.upstreamPath}\` (commit ${KUBEVIRT_SPEC.commit})`;

interface Swagger2OpenApi {
  convertObj(
    spec: unknown,
    options: { patch?: boolean; warnOnly?: boolean; resolve?: boolean },
  ): Promise<{ openapi: OpenAPI3 }>;
}

/** The generated TypeScript module (src/generated/kubevirt.ts) for `spec`. */
export async function generateTypes(spec: SwaggerDocument): Promise<string> {
  // swagger2openapi has no type declarations; load it through require with a minimal interface.
  const require = createRequire(import.meta.url);
  const s2o = require("swagger2openapi") as Swagger2OpenApi;
  // patch: fixes up the spec's minor Swagger 2.0 violations (e.g. `type: ["string","null"]` -> nullable).
  // The input object is deep-cloned first: convertObj mutates what it is given.
  const { openapi } = await s2o.convertObj(structuredClone(spec), { patch: true, warnOnly: false });
  const schemas = openapi.components?.schemas ?? {};
  for (const [alias, def] of TYPE_ALIASES) {
    if (!(def in schemas)) throw new Error(`gen-kubevirt: alias ${alias}: no schema ${def} in the spec`);
  }
  // Only the data model: the REST paths/operations (subresource APIs) are not used by the operator and
  // would more than double the size of the file.
  const doc: OpenAPI3 = {
    openapi: openapi.openapi,
    info: openapi.info,
    paths: {},
    components: { schemas },
  };
  const ast = await openapiTS(doc, {
    // Fields with a `default` stay optional: these types describe what we send as well as what we read,
    // and the CRDs (like KubeVirt's) only require what the spec lists under `required`.
    defaultNonNullable: false,
    silent: true,
  });
  const body = astToString(ast);
  const header = [
    "/**",
    ` * KubeVirt API types. Generated by \`npm run gen:kubevirt\` (scripts/gen-kubevirt.ts) from`,
    ` * ${sourceLine}.`,
    " *",
    " * DO NOT EDIT. Import from here (or src/k8s/kubevirt.ts) via the named aliases at the end of the file.",
    " */",
    "",
  ].join("\n");
  const aliases = TYPE_ALIASES.map(
    ([alias, def]) => `export type ${alias} = components["schemas"]["${def}"];`,
  );
  return `${header}\n${body.trimEnd()}\n\n// Named aliases\n${aliases.join("\n")}\n${DERIVED_ALIASES}`;
}

/** The CRDs derived from `spec`, keyed by repository-relative output path. */
export async function generateCrds(
  spec: SwaggerDocument,
  root = repoRoot(),
): Promise<Map<string, { crd: CustomResourceDefinition; yaml: string }>> {
  const out = new Map<string, { crd: CustomResourceDefinition; yaml: string }>();
  for (const kind of Object.values(KUBEVIRT_KINDS)) {
    const file = `${CRD_DIR}/${kind.plural}.kubevirt.io.yaml`;
    let crd = kubevirtCrd(spec, kind);
    let yaml = await render(crd, "kept", path.join(root, file));
    if (Buffer.byteLength(yaml) > MAX_CRD_BYTES) {
      crd = kubevirtCrd(spec, kind, { descriptions: false });
      yaml = await render(crd, "dropped to stay under 1 MB", path.join(root, file));
    }
    const name = crd.metadata.name;
    if (file !== `${CRD_DIR}/${name}.yaml`) throw new Error(`gen-kubevirt: unexpected CRD name ${name}`);
    const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
    if (schema === undefined) throw new Error(`gen-kubevirt: ${name} has no schema`);
    const refs = findRefs(crd);
    if (refs.length > 0) throw new Error(`gen-kubevirt: ${name} still has $ref at ${refs.join(", ")}`);
    const violations = structuralViolations(schema);
    if (violations.length > 0) {
      throw new Error(`gen-kubevirt: ${name} is not structural:\n  ${violations.join("\n  ")}`);
    }
    if (Buffer.byteLength(yaml) > MAX_CRD_BYTES)
      throw new Error(`gen-kubevirt: ${name} is over ${MAX_CRD_BYTES} bytes`);
    out.set(file, { crd, yaml });
  }
  return out;
}

/** YAML for `crd`, formatted the way `prettier --check` (run by `npm run lint`) wants it at `file`. */
async function render(crd: CustomResourceDefinition, descriptions: string, file: string): Promise<string> {
  const text = crdToYaml(crd, [
    `Structural CRD for KubeVirt ${crd.spec.names.kind} (${crd.spec.group}/${crd.spec.versions[0]?.name ?? "?"}), derived from`,
    `${sourceLine}`,
    `by scripts/gen-kubevirt.ts (descriptions ${descriptions}). For the test apiserver; not KubeVirt's own manifest.`,
    "DO NOT EDIT: regenerate with `npm run gen:kubevirt`.",
  ]);
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

/** Every generated file, repository-relative path -> content. */
export async function generateAll(root = repoRoot()): Promise<Map<string, string>> {
  const spec = loadSpec(root);
  const files = new Map<string, string>();
  files.set(TYPES_FILE, await generateTypes(spec));
  for (const [file, { yaml }] of await generateCrds(spec, root)) files.set(file, yaml);
  return files;
}

/** Paths (repository-relative) whose committed content differs from `files`. */
export function staleFiles(files: Map<string, string>, root = repoRoot()): string[] {
  const stale: string[] = [];
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    if (!existsSync(abs) || readFileSync(abs, "utf8") !== content) stale.push(file);
  }
  return stale;
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`usage: node dist/scripts/gen-kubevirt.js [--check]   (unknown: ${unknown.join(" ")})`);
    return 2;
  }
  const root = repoRoot();
  const files = await generateAll(root);
  if (argv.includes("--check")) {
    const stale = staleFiles(files, root);
    if (stale.length > 0) {
      console.error(
        `gen-kubevirt: generated files are out of date:\n  ${stale.join("\n  ")}\nRun \`npm run gen:kubevirt\` and commit the result.`,
      );
      return 1;
    }
    console.log(`gen-kubevirt: ${files.size} generated files are up to date.`);
    return 0;
  }
  for (const [file, content] of files) {
    const abs = path.join(root, file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    console.log(`wrote ${file} (${Buffer.byteLength(content)} bytes)`);
  }
  return 0;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    },
  );
}
