import {
  buildConfigKey,
  prepareConfigKey,
  type BuildConfig,
  type PrepareConfig,
} from "../../api/worker-contract.js";
import { sourcePolicyOf } from "../config.js";
import type { BuildContext } from "./build-context.js";
import { answerSecretName, prepareSecretName } from "./child-names.js";
import type { Secret } from "./core-types.js";
import { buildLabels, dependentOf, sharedLabels, type OwnerObject } from "./object-meta.js";
import { namespaceOf } from "./build-context.js";

const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;

/**
 * The answer files (for the install VM's side volume) and the extract worker's configuration. Owned by
 * the target disk PVC: the operator never reads Secrets back, and the answers go with the disk they
 * install onto. A side volume made from this Secret carries build.json too, which installers ignore.
 */
export function answerSecret(ctx: BuildContext, targetDiskPvc: OwnerObject): Secret {
  return dependentSecret(
    { name: answerSecretName(ctx, targetDiskPvc), labels: buildLabels(ctx, "answer") },
    ctx,
    targetDiskPvc,
    secretData(ctx.plan.answerFile.files, buildConfigKey, buildConfigJson(ctx)),
  );
}

/**
 * What the shared prepare Job reads: the source and OS (prepare.json), plus the answer files only when
 * the profile embeds them in the ISO (Debian's preseed), which the ISO key covers. It names no build,
 * so every build of the ISO key may share it; it goes with the ISO PVC that owns it.
 */
export function prepareSecret(ctx: BuildContext, isoPvc: OwnerObject): Secret {
  const embedded = ctx.plan.volume.kind === "embedded" ? ctx.plan.answerFile.files : [];
  return dependentSecret(
    { name: prepareSecretName(ctx, isoPvc), labels: sharedLabels(ctx, "prepare") },
    ctx,
    isoPvc,
    secretData(embedded, prepareConfigKey, prepareConfigJson(ctx)),
  );
}

/** A Secret in the build's namespace that goes with `owner`. */
function dependentSecret(
  meta: { name: string; labels: Record<string, string> },
  ctx: BuildContext,
  owner: OwnerObject,
  data: Record<string, string>,
): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: meta.name,
      namespace: namespaceOf(ctx),
      labels: meta.labels,
      ownerReferences: [dependentOf(owner)],
    },
    type: "Opaque",
    data,
  };
}

/** What the extract worker reads from /config/build.json. */
export function buildConfigJson(ctx: BuildContext): string {
  const { apiVersion, kind, metadata, spec } = ctx.build;
  const config: BuildConfig = {
    apiVersion,
    kind,
    metadata: { name: metadata.name, namespace: metadata.namespace, uid: metadata.uid },
    spec,
    key: ctx.key,
    isoKey: ctx.isoKey,
    sourceSHA256: ctx.sourceSHA256,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** What the prepare worker reads from /config/prepare.json (the digest pinned, never the checksum file). */
export function prepareConfigJson(ctx: BuildContext): string {
  const iso = ctx.pinnedChecksum
    ? { url: ctx.sourceURL, checksum: ctx.pinnedChecksum }
    : { url: ctx.sourceURL, insecureSkipChecksum: true };
  const config: PrepareConfig = {
    source: { iso },
    os: ctx.build.spec.os,
    isoKey: ctx.isoKey,
    sourceSHA256: ctx.sourceSHA256,
    policy: sourcePolicyOf(ctx.config),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

function secretData(
  files: { path: string; content: string }[],
  configKey: string,
  config: string,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of files) {
    if (!secretKeyPattern.test(file.path) || file.path === configKey) {
      throw new Error(`Answer file "${file.path}" cannot be a Secret key; answer files must be flat names`);
    }
    data[file.path] = base64(file.content);
  }
  data[configKey] = base64(config);
  return data;
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
