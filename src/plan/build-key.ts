import { createHash } from "node:crypto";
import type { OsIdentity } from "../api/common.js";
import type { RootfsBuildSpec } from "../api/rootfsbuild-spec.js";
import { toolVersion } from "../version.js";

export interface BuildKeyInputs {
  /** sha256 of the ISO (or of the disk image for disk sources). */
  sourceSHA256: string;
  os: OsIdentity;
  /** Identifies the installer profile, e.g. "kickstart/RHEL9". */
  profile: string;
  /** The rendered answer files, as they reach the installer. */
  answerFiles: { path: string; content: string }[];
  install: Pick<RootfsBuildSpec["install"], "rootFsType" | "diskSize">;
  outputs: RootfsBuildSpec["outputs"];
  /** Whether the root password was injected at extract time (its hash is part of the output). */
  rootPasswordSHA256?: string;
}

/**
 * Content hash of everything that determines a build's output. Equal keys mean identical builds,
 * so the catalog (and the CLI's output directory) can skip work. Resources, timeouts and storage
 * are left out on purpose: they change how a build runs or where it lands, not what it produces.
 */
export function buildKey(inputs: BuildKeyInputs): string {
  const canonical = canonicalJson({
    tool: toolVersion,
    ...inputs,
    answerFiles: [...inputs.answerFiles].sort((a, b) => a.path.localeCompare(b.path)),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/** JSON with object keys sorted at every level, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
