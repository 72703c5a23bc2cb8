import { fetchText } from "../steps/fetch/http-download.js";
import type { ReadText } from "../sources/index.js";

/** How the CLI reads directory listings: the fetch step's HTTP client, following a few redirects. */
export const readText: ReadText = (url) => fetchText(url, { maxRedirects: 5, stallTimeoutMs: 30_000 });
