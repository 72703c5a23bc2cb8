import { releasePattern, releaseSummary } from "../installers/releases.js";
import { editionsOf, hasDailyBuilds } from "../sources/editions.js";
import type { CrossFieldRule } from "./cel.js";
import type { OsIdentity } from "./common.js";
import { distros } from "./common.js";

// Rules that depend on the distribution: which releases it has, which images it publishes. They come
// from the same tables as profileFor() and the known sources, so the apiserver refuses what the operator
// would refuse later, with the same words.

const quoted = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;

/** One rule per distribution: its release must be one profileFor() installs. */
export const releaseRules: CrossFieldRule<OsIdentity>[] = distros.map((distro) => {
  const pattern = releasePattern(distro);
  const regex = new RegExp(pattern);
  return {
    // r'…': a raw CEL string, so the pattern's backslashes reach RE2 as they are.
    rule: `self.distro != '${distro}' || self.release.lowerAscii().matches(r'${pattern}')`,
    message: `unsupported ${distro} release; supported: ${releaseSummary(distro)}`,
    fieldPath: ".release",
    holds: (os) => os.distro !== distro || regex.test(os.release.toLowerCase()),
  };
});

interface OfficialSpec {
  os: OsIdentity;
  source: { official?: { edition?: string; daily?: boolean } };
}

const downloadable = distros.filter((d) => editionsOf(d).length > 0);
const editionTable = downloadable.map((d) => `${d}: ${editionsOf(d).join(", ")}`).join("; ");
const editionCel = downloadable
  .map((d) => `(self.os.distro == '${d}' && self.source.official.edition in ${quoted(editionsOf(d))})`)
  .join(" || ");

/** Rules on spec.source.official, which names an image by distribution, release and edition. */
export const officialSourceRules: CrossFieldRule<OfficialSpec>[] = [
  {
    rule: `!has(self.source.official) || self.os.distro in ${quoted(downloadable)}`,
    message: `${distros.filter((d) => !downloadable.includes(d)).join(", ")} ISOs need an account to download: set source.iso.url instead`,
    fieldPath: ".source.official",
    holds: (s) => s.source.official === undefined || downloadable.includes(s.os.distro),
  },
  {
    rule: `!has(self.source.official) || !has(self.source.official.edition) || ${editionCel}`,
    message: `the distribution publishes no such edition (${editionTable})`,
    fieldPath: ".source.official.edition",
    holds: (s) =>
      s.source.official?.edition === undefined ||
      editionsOf(s.os.distro).some((e) => e === s.source.official?.edition),
  },
  {
    rule: `!has(self.source.official) || !has(self.source.official.daily) || !self.source.official.daily || self.os.distro in ${quoted(distros.filter(hasDailyBuilds))}`,
    message: `daily builds are known for ${distros.filter(hasDailyBuilds).join(", ")} only`,
    fieldPath: ".source.official.daily",
    holds: (s) => s.source.official?.daily !== true || hasDailyBuilds(s.os.distro),
  },
];
