import path from "node:path";

/**
 * Finds the sha256 for `fileName` in a checksum file. Understands GNU sha256sum lines
 * ("<hex>  name", "<hex> *name"), BSD/Fedora CHECKSUM lines ("SHA256 (name) = <hex>"), and a
 * file holding a single digest. PGP-signed files (Fedora's CHECKSUM) are read through their armour.
 */
export function digestFromChecksumFile(text: string, fileName: string): string {
  const entries: { name?: string; digest: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const gnu = /^([0-9a-fA-F]{64})(?:\s+\*?(.+))?$/.exec(line);
    const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line);
    if (gnu?.[1])
      entries.push({ digest: gnu[1].toLowerCase(), name: gnu[2] && path.basename(gnu[2].trim()) });
    else if (bsd?.[1] && bsd[2]) entries.push({ digest: bsd[2].toLowerCase(), name: path.basename(bsd[1]) });
  }
  const named = entries.find((e) => e.name === fileName);
  if (named) return named.digest;
  const [only] = entries;
  if (
    entries.length === 1 &&
    only &&
    (only.name === undefined || entries.every((e) => e.name === undefined))
  ) {
    return only.digest;
  }
  if (entries.length === 0) throw new Error("it holds no sha256 digest");
  // The names come from the server: say how many, not what they are (they would reach the build's status).
  throw new Error(`it has no line for ${fileName} (it lists ${entries.length} other files)`);
}
