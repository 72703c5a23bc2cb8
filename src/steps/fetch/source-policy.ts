import { BlockList, isIP } from "node:net";
import { StepFailure } from "../../reasons/step-failure.js";

/**
 * What a source URL may be and where a download may go. The CLI trusts its user and allows everything;
 * the operator fetches for tenants, so its configuration starts from the strict default.
 */
export interface SourcePolicy {
  /** http:// sources (https is always allowed; a redirect from https to http never is). */
  allowPlainHTTP: boolean;
  /** Loopback and private (RFC 1918, CGNAT, IPv6 ULA) addresses; link-local never (cloud metadata lives there). */
  allowPrivateAddresses: boolean;
  /** file:// sources, read from the fetching process's own filesystem. */
  allowFileURLs: boolean;
  /** spec.source.iso.insecureSkipChecksum. */
  allowInsecureSkipChecksum: boolean;
  /** Largest source accepted, in bytes: on Content-Length, and while streaming. */
  maxSourceBytes: number;
}

/** Everything allowed: what a person running `rootfs build` on their own machine gets. */
export const trustingPolicy: SourcePolicy = {
  allowPlainHTTP: true,
  allowPrivateAddresses: true,
  allowFileURLs: true,
  allowInsecureSkipChecksum: true,
  maxSourceBytes: Number.MAX_SAFE_INTEGER,
};

export type AddressClass = "public" | "private" | "loopback" | "link-local" | "reserved";

const ranges: Record<Exclude<AddressClass, "public">, [string, number, "ipv4" | "ipv6"][]> = {
  loopback: [
    ["127.0.0.0", 8, "ipv4"],
    ["::1", 128, "ipv6"],
  ],
  private: [
    ["10.0.0.0", 8, "ipv4"],
    ["172.16.0.0", 12, "ipv4"],
    ["192.168.0.0", 16, "ipv4"],
    ["100.64.0.0", 10, "ipv4"],
    ["fc00::", 7, "ipv6"],
  ],
  "link-local": [
    ["169.254.0.0", 16, "ipv4"],
    ["fe80::", 10, "ipv6"],
  ],
  reserved: [
    ["0.0.0.0", 8, "ipv4"],
    ["224.0.0.0", 4, "ipv4"],
    ["240.0.0.0", 4, "ipv4"],
    ["::", 128, "ipv6"],
    ["ff00::", 8, "ipv6"],
  ],
};

const blockLists = Object.entries(ranges).map(([cls, subnets]) => {
  const list = new BlockList();
  for (const [net, prefix, type] of subnets) list.addSubnet(net, prefix, type);
  return { cls: cls as AddressClass, list };
});

/** The class of an IP address; IPv4-mapped and NAT64 IPv6 addresses count as the IPv4 address inside. */
export function classifyAddress(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) throw new Error(`${address} is not an IP address`);
  const embedded = family === 6 ? embeddedIPv4(address) : undefined;
  if (embedded) return classifyAddress(embedded);
  const type = family === 4 ? "ipv4" : "ipv6";
  return blockLists.find(({ list }) => list.check(address, type))?.cls ?? "public";
}

function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex?.[1] || !hex[2]) return undefined;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** Why `address` may not be fetched from under `policy`, or undefined when it may. */
export function addressRefusal(address: string, policy: SourcePolicy): string | undefined {
  const cls = classifyAddress(address);
  switch (cls) {
    case "public":
      return undefined;
    case "loopback":
    case "private":
      return policy.allowPrivateAddresses ? undefined : `${address} is a ${cls} address`;
    case "link-local":
    case "reserved":
      return `${address} is a ${cls} address`;
  }
}

/**
 * A source refused by the policy: the spec's to change, or the operator's configuration to widen.
 * Its message never echoes a server's answer, only the URL the spec gave (or its host).
 */
export function sourceNotAllowed(what: string, remedy: string): StepFailure {
  return new StepFailure("SourceNotAllowed", `${what}; ${remedy}`);
}

/** Checks a URL's scheme before anything is sent; addresses are checked as they are resolved. */
export function checkUrl(url: URL, policy: SourcePolicy, cameFrom?: URL): void {
  const widen = "or ask the platform admin to allow it in the operator's configuration (sources)";
  if (url.protocol === "file:") {
    if (cameFrom)
      throw sourceNotAllowed(`${cameFrom.host} redirected to a file:// URL`, "use another mirror");
    if (!policy.allowFileURLs)
      throw sourceNotAllowed("file:// sources are not allowed", `use https ${widen}`);
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw sourceNotAllowed(`${url.protocol} URLs are not supported`, "use an https:// URL");
  }
  if (url.protocol === "http:" && cameFrom?.protocol === "https:") {
    throw sourceNotAllowed(`${cameFrom.host} redirected from https to plain http`, "use another mirror");
  }
  if (url.protocol === "http:" && !policy.allowPlainHTTP) {
    throw sourceNotAllowed(`plain http sources are not allowed (${url.host})`, `use https ${widen}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const refusal = isIP(host) ? addressRefusal(host, policy) : undefined;
  if (refusal) throw sourceNotAllowed(`${url.host}: ${refusal}`, `use a public mirror ${widen}`);
}
