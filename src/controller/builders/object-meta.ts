import { createHash } from "node:crypto";
import { apiVersion } from "../../api/group.js";
import type { RootfsBuild } from "../../api/rootfsbuild.js";
import { buildKeyLabelValue } from "../catalog.js";
import type { OwnerReference } from "../../runtime/kube-client.js";
import { namespaceOf, type BuildContext } from "./build-context.js";
import type { ChildMeta } from "./core-types.js";

export const managedByLabel = "app.kubernetes.io/managed-by";
export const managedBy = "rootfs-operator";
export const buildLabel = "rootfs.dev/build";
export const buildKeyLabel = "rootfs.dev/build-key";
export const isoKeyLabel = "rootfs.dev/iso-key";
export const stepLabel = "rootfs.dev/step";

/** The build as the controlling owner: deleting it garbage-collects the child. */
export function ownerReference(build: RootfsBuild): OwnerReference {
  return { ...ownerOf(build), controller: true, blockOwnerDeletion: true };
}

/** The build as one of several owners of a shared child; the reconciler appends the others. */
export function sharedOwnerReference(build: RootfsBuild): OwnerReference {
  return { ...ownerOf(build), controller: false, blockOwnerDeletion: true };
}

function ownerOf(build: RootfsBuild): Omit<OwnerReference, "controller" | "blockOwnerDeletion"> {
  const { name, uid } = build.metadata;
  if (!uid) throw new Error(`RootfsBuild ${name} has no metadata.uid; read it from the apiserver`);
  return { apiVersion, kind: "RootfsBuild", name, uid };
}

/** An object a child can depend on: read from the apiserver, so its uid is set. */
export interface OwnerObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; uid?: string };
}

/**
 * `owner` as the controlling owner of a child that should go with it (garbage collection), for children
 * the operator creates but never reads back.
 */
export function dependentOf(owner: OwnerObject): OwnerReference {
  const { apiVersion, kind, metadata } = owner;
  if (!apiVersion || !kind || !metadata.uid) {
    throw new Error(
      `${kind ?? "object"} ${metadata.name} lacks apiVersion, kind or uid; read it from the apiserver`,
    );
  }
  return { apiVersion, kind, name: metadata.name, uid: metadata.uid, controller: true };
}

/** Labels of a child that belongs to one build. */
export function buildLabels(ctx: BuildContext, step: string): Record<string, string> {
  return {
    [managedByLabel]: managedBy,
    [buildLabel]: labelValue(ctx.build.metadata.name),
    [buildKeyLabel]: buildKeyLabelValue(ctx.key),
    [stepLabel]: step,
  };
}

/**
 * Labels of a child shared by every build of the same unattended ISO: naming one build there would be
 * wrong for the others, so it carries the ISO key instead.
 */
export function sharedLabels(ctx: BuildContext, step: string): Record<string, string> {
  return { [managedByLabel]: managedBy, [isoKeyLabel]: buildKeyLabelValue(ctx.isoKey), [stepLabel]: step };
}

export function buildChildMeta(ctx: BuildContext, name: string, step: string): ChildMeta {
  return {
    name,
    namespace: namespaceOf(ctx),
    labels: buildLabels(ctx, step),
    ownerReferences: [ownerReference(ctx.build)],
  };
}

export function sharedChildMeta(ctx: BuildContext, name: string, step: string): ChildMeta {
  return {
    name,
    namespace: namespaceOf(ctx),
    labels: sharedLabels(ctx, step),
    ownerReferences: [sharedOwnerReference(ctx.build)],
  };
}

const maxLabelValue = 63;

/**
 * A name as a label value: at most 63 characters, ending alphanumeric. A longer name keeps its start and
 * ends with a hash of the whole, so two long names that begin alike still get different values. (Digests,
 * such as build keys, are cut instead: their first 63 hex digits are as unique as the whole.)
 */
export function labelValue(value: string): string {
  const trimmed = value.replace(/[^A-Za-z0-9]+$/, "");
  if (trimmed.length <= maxLabelValue) return trimmed;
  const hash = createHash("sha256").update(value).digest("hex").slice(0, 10);
  return `${value.slice(0, maxLabelValue - hash.length - 1).replace(/[^A-Za-z0-9]+$/, "")}-${hash}`;
}
