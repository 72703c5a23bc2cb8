// The build's children as the tests find them: by the rootfs.dev/step label their builders set, counted
// only when the build (or, for Secrets, its PVC) owns them.
import assert from "node:assert/strict";
import type { RootfsBuild } from "../../../../src/api/rootfsbuild.js";
import { virtualMachineRef } from "../../../../src/controller/kubevirt-backend/index.js";
import { coreRefs, type KubeObject, type ResourceRef } from "../../../../src/runtime/index.js";
import { eventually } from "../../../helpers/eventually.js";
import { namespace, type Env } from "../env.js";

/**
 * Each kind of child, by the rootfs.dev/step label its builder sets (prepareSecret: "prepare";
 * installJob, the pod runtime's install: "install").
 */
export const children = {
  answer: coreRefs.secret,
  iso: coreRefs.pvc,
  prepare: coreRefs.job,
  prepareSecret: coreRefs.secret,
  disk: coreRefs.pvc,
  install: virtualMachineRef,
  installJob: coreRefs.job,
  extract: coreRefs.job,
} satisfies Record<string, ResourceRef>;
export type Step = keyof typeof children;
const stepLabel: Partial<Record<Step, string>> = { prepareSecret: "prepare", installJob: "install" };

/** The Secrets belong to the build through the PVC that owns each (they go with it). */
const ownedThrough: Partial<Record<Step, Step>> = { answer: "disk", prepareSecret: "iso" };

/** The build's children of one step: those whose owners include the build (or its PVC, for Secrets). */
export async function childrenOf(env: Env, build: RootfsBuild, step: Step): Promise<KubeObject[]> {
  const { items } = await env.client.list(children[step], {
    namespace,
    labelSelector: `rootfs.dev/step=${stepLabel[step] ?? step}`,
  });
  const via = ownedThrough[step];
  const owners = via
    ? new Set((await childrenOf(env, build, via)).map((o) => o.metadata.uid))
    : new Set([build.metadata.uid]);
  return items.filter((o) => o.metadata.ownerReferences?.some((r) => owners.has(r.uid)));
}

/** The build's children of every step. */
export async function allChildrenOf(env: Env, build: RootfsBuild): Promise<Record<Step, KubeObject[]>> {
  const steps = Object.keys(children) as Step[];
  const found = await Promise.all(steps.map((step) => childrenOf(env, build, step)));
  return Object.fromEntries(steps.map((step, i) => [step, found[i] ?? []])) as Record<Step, KubeObject[]>;
}

/** How many children of each step there are. */
export function countsOf(found: Record<Step, KubeObject[]>): Record<Step, number> {
  return Object.fromEntries(Object.entries(found).map(([step, list]) => [step, list.length])) as Record<
    Step,
    number
  >;
}

/** A build's children once every step ran: one of each, the install a VM or (pod runtime) a Job. */
export function oneOfEach(installRuntime: "kubevirt" | "pod" = "kubevirt"): Record<Step, number> {
  const counts = Object.fromEntries(Object.keys(children).map((step) => [step, 1])) as Record<Step, number>;
  return { ...counts, [installRuntime === "pod" ? "install" : "installJob"]: 0 };
}

/** Waits until the build has exactly one child of `step`, and returns it. */
export async function childOf<T extends KubeObject = KubeObject>(
  env: Env,
  build: RootfsBuild,
  step: Step,
): Promise<T> {
  const found = await eventually(
    () => childrenOf(env, build, step),
    (items) => items.length > 0,
  );
  assert.equal(found.length, 1, `${build.metadata.name} has ${found.length} ${step} children`);
  return found[0] as T;
}

/**
 * Gone, or on its way (no garbage collector or PVC-protection controller runs here): deleted, being
 * deleted, or depending on an owner that is (the garbage collector takes it next). Owners other than
 * builds are other children in the namespace (the Secrets' PVCs).
 */
export async function goneOrGoing(env: Env, ref: ResourceRef, object: KubeObject): Promise<boolean> {
  const now = await env.client.getOrUndefined(ref, object.metadata.name, namespace);
  if (now === undefined || now.metadata.uid !== object.metadata.uid || now.metadata.deletionTimestamp)
    return true;
  const owner = now.metadata.ownerReferences?.find((o) => o.controller && o.kind === "PersistentVolumeClaim");
  if (!owner) return false;
  return goneOrGoing(env, coreRefs.pvc, { ...now, metadata: { name: owner.name, uid: owner.uid } });
}
