// The structural CRDs of the KubeVirt kinds for the test apiserver (test/fixtures/kubevirt-crds/), checked
// before anything is written: no $ref left, structural, and small enough for etcd.

import path from "node:path";
import * as prettier from "prettier";
import { repoRoot, sourceLine } from "../kubevirt-spec.js";
import { KUBEVIRT_KINDS, crdToYaml, kubevirtCrd } from "./kubevirt-kinds.js";
import type { CustomResourceDefinition, SwaggerDocument } from "./schema-types.js";
import { findRefs, structuralViolations } from "./structural-checks.js";

export const CRD_DIR = "test/fixtures/kubevirt-crds";

/** CRDs larger than this are a problem for etcd (1.5 MiB request limit) and slow to apply. */
export const MAX_CRD_BYTES = 1_000_000;

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
