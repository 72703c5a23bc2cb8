// Reading what a mirror publishes: the names in an HTTP directory listing (Apache, nginx and lighttpd
// autoindex pages all link each entry by a relative href), and choosing the newest of several versions.

const maxNames = 10_000;

/** The entries a directory listing links to: file names, and directory names with a trailing "/". */
export function listingNames(html: string): string[] {
  const names = new Set<string>();
  for (const match of html.matchAll(/href\s*=\s*["']([^"'?#]+)["']/gi)) {
    const href = decodeHref(match[1] ?? "");
    if (href === undefined || /^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
    const dir = href.endsWith("/");
    const name = href.replace(/\/+$/, "").split("/").pop() ?? "";
    if (name === "" || name === "." || name === "..") continue;
    names.add(dir ? `${name}/` : name);
    if (names.size >= maxNames) break;
  }
  return [...names];
}

function decodeHref(href: string): string | undefined {
  try {
    return decodeURIComponent(href.replaceAll("&amp;", "&"));
  } catch {
    return undefined;
  }
}

/** Compares dotted or dashed versions ("9.10" > "9.8", "2025-06-01-07" > "2025-05-31-23") numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  const pb = b
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The name with the highest version among those `pattern` matches; its first capture group is the
 * version. Undefined when none matches.
 */
export function newest(
  names: readonly string[],
  pattern: RegExp,
): { name: string; version: string } | undefined {
  let best: { name: string; version: string } | undefined;
  for (const name of names) {
    const version = pattern.exec(name)?.[1];
    if (version === undefined) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { name, version };
  }
  return best;
}
