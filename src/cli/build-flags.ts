import type { ParseArgsConfig } from "node:util";
import { apiVersion } from "../api/group.js";
import { parseRootfsBuild } from "../api/validate.js";
import { UnresolvedReference } from "../plan/answer-plan.js";
import type { BuildFile } from "./build-file.js";
import { UsageError } from "./command.js";

/** parseArgs options that name a build without a file: the distribution's official ISO. */
export const sourceFlags = {
  distro: { type: "string" },
  release: { type: "string" },
  arch: { type: "string", default: "x86_64" },
  edition: { type: "string" },
  mirror: { type: "string" },
  daily: { type: "boolean", default: false },
  package: { type: "string", multiple: true, default: [] as string[] },
} satisfies NonNullable<ParseArgsConfig["options"]>;

export interface SourceFlagValues {
  distro?: string;
  release?: string;
  arch?: string;
  edition?: string;
  mirror?: string;
  daily?: boolean;
  package?: string[];
}

/**
 * The RootfsBuild the flags describe, validated like a file: `spec.source.official` for the release, named
 * `<distro>-<release>-<arch>`. Flags cannot name Secrets or ConfigMaps.
 */
export function buildFromFlags(values: SourceFlagValues): BuildFile {
  const { distro, release, arch } = values;
  if (!distro || !release) throw new UsageError("give -f FILE, or --distro and --release");
  const name = `${distro}-${release}-${arch ?? "x86_64"}`.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  const official = { edition: values.edition, mirror: values.mirror, daily: values.daily || undefined };
  const build = parseRootfsBuild(
    {
      apiVersion,
      kind: "RootfsBuild",
      metadata: { name },
      spec: {
        source: { official: JSON.parse(JSON.stringify(official)) as object },
        os: { distro, release, arch },
        install: { packages: values.package ?? [] },
      },
    },
    "flags",
  );
  const noRefs = () =>
    Promise.reject(new UnresolvedReference("flags cannot name Secrets or ConfigMaps; use -f FILE"));
  return { build, refs: { secretValue: noRefs, configMapValue: noRefs } };
}
