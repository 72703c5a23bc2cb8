import { createHash } from "node:crypto";

const maxNameLength = 63;

/**
 * Deterministic child names: `<build>-<step>-<key8>`, shortened with a hash of the whole name when
 * too long. The same build, step and build key always give the same name, so a restart finds (and
 * adopts) what the previous run created instead of making a twin.
 */
export function childName(build: string, step: string, key: string): string {
  const full = `${build}-${step}-${key.slice(0, 8)}`;
  if (full.length <= maxNameLength) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  const keep = maxNameLength - step.length - hash.length - 2;
  return `${build.slice(0, keep).replace(/-+$/, "")}-${step}-${hash}`;
}
