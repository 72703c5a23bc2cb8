import type { BuildContext } from "./build-context.js";
import { allChildNames } from "./child-names.js";
import type { Secret } from "./core-types.js";
import { buildChildMeta } from "./object-meta.js";

/** The key of the worker configuration in the answer Secret (mounted at /config). */
export const buildConfigKey = "build.json";

const secretKeyPattern = /^[-._a-zA-Z0-9]+$/;

/**
 * The answer files (for the install VM's side volume) and the worker configuration (for the prepare and
 * extract Jobs). A side volume made from this Secret carries build.json too, which installers ignore.
 */
export function answerSecret(ctx: BuildContext): Secret {
  const data: Record<string, string> = {};
  for (const file of ctx.plan.answerFile.files) {
    if (!secretKeyPattern.test(file.path) || file.path === buildConfigKey) {
      throw new Error(`Answer file "${file.path}" cannot be a Secret key; answer files must be flat names`);
    }
    data[file.path] = base64(file.content);
  }
  data[buildConfigKey] = base64(buildConfigJson(ctx));
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: buildChildMeta(ctx, allChildNames(ctx).answerSecret, "answer"),
    type: "Opaque",
    data,
  };
}

/** What the worker reads from /config/build.json. */
export function buildConfigJson(ctx: BuildContext): string {
  const { apiVersion, kind, metadata, spec } = ctx.build;
  const config = {
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

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
