import { isMap, parseDocument, stringify } from "yaml";
import { invalidAnswerFile, invalidSpec } from "./errors.js";
import { printMarkerCommand } from "./install-markers.js";
import { autoinstallKeys, checkUnattended, mergeAutoinstall, type YamlMapping } from "./autoinstall-merge.js";
import { checkedMirror, checkSignedMirror } from "./mirror.js";
import type { AutoinstallProfile } from "./profile.js";
import {
  checkedLocale,
  checkedPackages,
  checkedRootHash,
  checkedTimezone,
  checkNoSelinux,
} from "./request-checks.js";
import type { AnswerFileRequest } from "./request.js";

// Ubuntu live-server autoinstall, delivered as NoCloud user-data ("#cloud-config" with an autoinstall key).

const target = ["curtin", "in-target", "--target=/target", "--"];

export function autoinstallFor(profile: AutoinstallProfile, request: AnswerFileRequest): string {
  checkNoSelinux(request);
  const { cloudConfig, autoinstall } =
    request.userAnswerFile !== undefined
      ? userCloudConfig(request.userAnswerFile)
      : { cloudConfig: {}, autoinstall: withFragments(generatedAutoinstall(request), request) };
  checkUnattended(
    autoinstall,
    request.userAnswerFile !== undefined ? "the user autoinstall" : "the autoinstall",
  );
  const complete = mergeAutoinstall(autoinstall, requiredForBuild(), "the generated autoinstall");
  checkAutoinstall(complete);
  const origin = request.userAnswerFile !== undefined ? "User autoinstall completed" : "Generated";
  const header = `#cloud-config\n# ${origin} by rootfs-operator for ubuntu ${profile.release} (${profile.codename}) ${profile.arch}.\n`;
  return header + stringify({ ...cloudConfig, autoinstall: complete }, { lineWidth: 0 });
}

function withFragments(generated: YamlMapping, request: AnswerFileRequest): YamlMapping {
  const merged = request.fragments.reduce((base, text, i) => {
    const source = `autoinstall fragment ${i + 1}`;
    return mergeAutoinstall(base, parseMapping(text, source), source);
  }, generated);
  if (request.rootFsType !== "ext4" && merged.storage === generated.storage) {
    throw invalidSpec(
      `Ubuntu's direct storage layout formats the root filesystem as ext4, not ${request.rootFsType}; set ` +
        "rootFsType to ext4, or give a complete curtin storage config in a fragment (storage: {config: [...]}).",
    );
  }
  return merged;
}

function generatedAutoinstall(request: AnswerFileRequest): YamlMapping {
  const rootPassword =
    request.rootPassword.kind === "hash"
      ? [...target, "usermod", "--password", checkedRootHash(request.rootPassword.hash), "root"]
      : [...target, "usermod", "--lock", "root"];
  const packages = checkedPackages(request, "no-groups");
  return {
    version: 1,
    locale: checkedLocale(request),
    keyboard: { layout: "us" },
    timezone: checkedTimezone(request),
    // Puts every installer event on the console, for progress and failure detection.
    reporting: { builtin: { type: "print" } },
    storage: { layout: { name: "direct" } },
    ...aptSource(request),
    ...(packages.length > 0 ? { packages } : {}),
    // subiquity needs identity or user-data. This cloud-config, for the installed system's first boot, names
    // root as the only account (so cloud-init adds no default user) and keeps its password as set below.
    "user-data": { users: [{ name: "root", lock_passwd: request.rootPassword.kind === "locked" }] },
    "late-commands": [rootPassword],
  };
}

// Offline, subiquity installs from the pool on the ISO when no mirror answers; with a mirror, that one
// mirror only (no geoip lookup), and a mirror that does not answer fails the install.
function aptSource(request: AnswerFileRequest): YamlMapping {
  checkSignedMirror(request.mirror, request.distro);
  const mirror = checkedMirror(request);
  if (mirror === undefined) return { apt: { geoip: false, fallback: "offline-install" } };
  return {
    apt: { geoip: false, fallback: "abort", primary: [{ arches: ["default"], uri: mirror.url }] },
  };
}

// Merged after everything else, so the marker is the last late-command; a failure is marked too.
function requiredForBuild(): YamlMapping {
  return {
    "late-commands": [["sh", "-c", printMarkerCommand("finished")]],
    "error-commands": [["sh", "-c", printMarkerCommand("failed")]],
    shutdown: "poweroff",
  };
}

// Accepts a cloud-config with an autoinstall key (its other keys configure the live installer and are kept)
// or a bare autoinstall.yaml.
function userCloudConfig(text: string): { cloudConfig: YamlMapping; autoinstall: YamlMapping } {
  const document = parseMapping(text, "the user autoinstall");
  const { autoinstall, ...cloudConfig } = document;
  if (autoinstall === undefined) return { cloudConfig: {}, autoinstall: document };
  if (!isPlainMapping(autoinstall)) {
    throw invalidAnswerFile("In the user autoinstall, autoinstall: must be a mapping of autoinstall keys.");
  }
  return { cloudConfig, autoinstall };
}

function parseMapping(text: string, source: string): YamlMapping {
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw invalidAnswerFile(
      `${source} is not valid YAML: ${document.errors.map((e) => e.message).join("; ")}`,
    );
  }
  const value: unknown = document.toJS();
  if (!isMap(document.contents) || !isPlainMapping(value)) {
    throw invalidAnswerFile(
      `${source} must be a YAML mapping of autoinstall keys, such as "packages: [vim]".`,
    );
  }
  return value;
}

function checkAutoinstall(autoinstall: YamlMapping): void {
  const unknown = Object.keys(autoinstall).filter((key) => !autoinstallKeys.includes(key));
  if (unknown.length > 0) {
    throw invalidAnswerFile(
      `Unknown autoinstall keys ${unknown.map((k) => `"${k}"`).join(", ")}; autoinstall takes ${autoinstallKeys.join(", ")}.`,
    );
  }
  if (autoinstall.version !== 1) {
    throw invalidAnswerFile(`autoinstall version must be 1, not ${JSON.stringify(autoinstall.version)}.`);
  }
}

function isPlainMapping(value: unknown): value is YamlMapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
