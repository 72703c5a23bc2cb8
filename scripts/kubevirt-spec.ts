// The pinned KubeVirt API spec every generated KubeVirt file derives from, read from ../shared/kubevirt/
// next to the repository (it is never copied into the repo) and verified by its sha256.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SwaggerDocument } from "./kubevirt-crd/schema-types.js";

/** The pinned input. Bump all fields together when moving to a new KubeVirt release. */
export const KUBEVIRT_SPEC = {
  version: "v1.9.0",
  commit: "79d34c1762169e5b0370ec491cef5ca12e6b504c",
  upstreamPath: "api/openapi-spec/swagger.json",
  /** Relative to the repository root. */
  file: "../shared/kubevirt/swagger-v1.9.0.json",
  sha256: "2c12b9c092941cff4dddabc65567e44a42c70d6b6c8a70d1c2a644f4960743c5",
} as const;

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
      `gen-kubevirt: ${file} has sha256 ${sha}, expected ${KUBEVIRT_SPEC.sha256} (KubeVirt ${KUBEVIRT_SPEC.version}). Update KUBEVIRT_SPEC in scripts/kubevirt-spec.ts when bumping KubeVirt.`,
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

/** Where the generated files' headers say they come from. */
export const sourceLine = `KubeVirt ${KUBEVIRT_SPEC.version} \`${KUBEVIRT_SPEC.upstreamPath}\` (commit ${KUBEVIRT_SPEC.commit})`;
