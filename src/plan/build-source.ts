import type { RootfsBuild } from "../api/rootfsbuild.js";
import { resolveOfficial, type OfficialSource, type ReadText } from "../sources/resolve.js";

/**
 * The build with `spec.source.official` replaced by the ISO it names (`spec.source.iso` with the URL and
 * its checksum file); any other build unchanged, and nothing read. Call it before resolveInputs, on every
 * pass that resolves inputs: a daily build's newest ISO changes from one day to the next.
 */
export async function resolveBuildSource(
  build: RootfsBuild,
  readText: ReadText,
): Promise<{ build: RootfsBuild; official?: OfficialSource }> {
  const official = build.spec.source.official;
  if (official === undefined) return { build };
  const found = await resolveOfficial({ ...build.spec.os, ...official }, readText);
  const source = { iso: { url: found.url, checksumURL: found.checksumURL } };
  return { build: { ...build, spec: { ...build.spec, source } }, official: found };
}
