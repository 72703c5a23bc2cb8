// The recorded directory listings in test/fixtures/sources/*.listings, served as the sources module reads
// them: by URL to a readText, or over HTTP on loopback with each site's root under /<host>/.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths.js";

export const listingsDir = path.join(repoRoot, "test", "fixtures", "sources");

/** Every recorded listing by its URL. */
export function recordedListings(): Map<string, string> {
  const pages = new Map<string, string>();
  for (const file of readdirSync(listingsDir).filter((f) => f.endsWith(".listings"))) {
    const text = readFileSync(path.join(listingsDir, file), "utf8");
    for (const section of text.split(/^=== /m).slice(1)) {
      const newline = section.indexOf("\n");
      pages.set(section.slice(0, newline).trim(), section.slice(newline + 1));
    }
  }
  return pages;
}

/** A readText over the recorded listings: a URL without one fails as a 404 would. */
export function recordedReadText(pages = recordedListings()): (url: string) => Promise<string> {
  return (url) => {
    const page = pages.get(url);
    return page === undefined ? Promise.reject(new Error(`HTTP 404 for ${url}`)) : Promise.resolve(page);
  };
}
