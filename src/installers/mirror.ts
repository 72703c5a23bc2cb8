import { invalidSpec } from "./errors.js";
import type { AnswerFileRequest, Mirror } from "./request.js";

// The package mirror of a network install, checked once for every answer-file syntax: its URL ends up
// inside preseed lines, kickstart options and YAML, so nothing in it may break out of them.

export interface MirrorParts {
  protocol: "http" | "https";
  /** host[:port], as preseed's mirror/<protocol>/hostname takes it. */
  hostPort: string;
  /** The path without a trailing slash, "" for the server root. */
  directory: string;
  /** The URL without a trailing slash. */
  url: string;
}

const safeUrl = /^https?:\/\/[A-Za-z0-9.:[\]_-]+(\/[A-Za-z0-9._~%+/-]*)?$/;

/** The request's mirror, split and checked; undefined for an offline install. */
export function checkedMirror(request: AnswerFileRequest): MirrorParts | undefined {
  const mirror = request.mirror;
  if (mirror === undefined) return undefined;
  if (!safeUrl.test(mirror.url)) {
    throw invalidSpec(
      `Mirror URL "${mirror.url}" must be a plain http:// or https:// URL with a host and a path, ` +
        "without spaces, quotes, a query or credentials, e.g. http://192.0.2.10/debian; fix spec.install.network.mirror.",
    );
  }
  const url = new URL(mirror.url);
  return {
    protocol: url.protocol === "https:" ? "https" : "http",
    hostPort: url.host,
    directory: url.pathname.replace(/\/+$/, ""),
    url: mirror.url.replace(/\/+$/, ""),
  };
}

/** insecureSkipSignature is a debian-installer setting; other installers verify in their own ways. */
export function checkSignedMirror(mirror: Mirror | undefined, distro: string): void {
  if (mirror?.insecureSkipSignature) {
    throw invalidSpec(
      `spec.install.network.insecureSkipSignature is only supported for debian, not ${distro}; sign the mirror ` +
        "with the distribution's keys, or remove the setting.",
    );
  }
}
