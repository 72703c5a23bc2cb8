import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, STATUS_CODES, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { StepFailure } from "../../reasons/step-failure.js";
import { addressRefusal, checkUrl, sourceNotAllowed, type SourcePolicy } from "./source-policy.js";

export interface RequestOptions {
  method?: "GET" | "HEAD";
  headers?: Record<string, string>;
  policy: SourcePolicy;
  maxRedirects: number;
  /** Bounds the wait for each response's headers. */
  headerTimeoutMs: number;
  signal?: AbortSignal;
}

/** An HTTP failure worth retrying (connection cut, stall, 5xx, 429) or not (4xx, refused). */
export class DownloadError extends Error {
  override name = "DownloadError";
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * One request, following redirects by hand so each hop is checked against the policy: http(s) only,
 * never https to http, and every address the host resolves to allowed (checked on the address actually
 * connected to, so a DNS answer that changes between check and connect changes nothing). Answers other
 * than 2xx become errors that name the status, never the server's own text.
 */
export async function requestChecked(
  url: string,
  opts: RequestOptions,
): Promise<{ url: URL; response: IncomingMessage }> {
  let current = new URL(url);
  let previous: URL | undefined;
  for (let hop = 0; hop <= opts.maxRedirects; hop++) {
    checkUrl(current, opts.policy, previous);
    const response = await send(current, opts);
    const location = response.headers.location;
    if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400) {
      response.destroy();
      if (!location) throw new DownloadError(`GET ${current.href} redirected without a Location`, false);
      previous = current;
      current = new URL(location, current);
      continue;
    }
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { url: current, response };
    response.destroy();
    const retryable = status >= 500 || status === 429;
    throw new DownloadError(
      `GET ${current.href} answered ${status} ${STATUS_CODES[status] ?? ""}`,
      retryable,
    );
  }
  throw new DownloadError(`GET ${url} redirected more than ${opts.maxRedirects} times`, false);
}

function send(url: URL, opts: RequestOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(url, {
      method: opts.method ?? "GET",
      headers: { "user-agent": "rootfs-operator", ...opts.headers },
      lookup: checkedLookup(opts.policy),
      signal: opts.signal,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no response in ${opts.headerTimeoutMs / 1000}s`)),
      opts.headerTimeoutMs,
    );
    req.on("response", (response) => {
      clearTimeout(timer);
      resolve(response);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(
        err instanceof StepFailure ? err : new DownloadError(`GET ${url.href} failed: ${err.message}`, true),
      );
    });
    req.end();
  });
}

/** dns.lookup that refuses a host when any address it resolves to is one the policy forbids. */
function checkedLookup(policy: SourcePolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      const refused = addresses
        .map((a) => addressRefusal(a.address, policy))
        .find((why) => why !== undefined);
      if (refused) {
        const error = sourceNotAllowed(
          `${hostname} resolves to a forbidden address (${refused})`,
          "use a public mirror, or ask the platform admin to allow private addresses (sources.allowPrivateAddresses)",
        );
        return callback(error, "", 0);
      }
      const [first] = addresses;
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, first?.address ?? "", first?.family ?? 4);
    });
  };
}
