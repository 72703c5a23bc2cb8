import type { RootfsBuild } from "../../api/rootfsbuild.js";
import type { AnswerPlan } from "../../plan/answer-plan.js";
import type { OperatorConfig } from "../config.js";

/** Where the installer runs: a KubeVirt VM, or qemu in a Pod of an install Job (operator config installRuntime). */
export type InstallRuntime = "kubevirt" | "pod";

/** Everything the child-object builders read; they are pure functions of it. */
export interface BuildContext {
  /** As read from the apiserver: metadata.name, namespace and uid are set. */
  build: RootfsBuild;
  /** Build key (sha256 hex): equal keys mean identical builds. */
  key: string;
  /**
   * sha256 hex identifying the unattended ISO (source ISO sha256 + profile + boot args). Builds with the
   * same isoKey in a namespace share one remastered ISO (PVC + prepare Job).
   */
  isoKey: string;
  /** sha256 of the source ISO; the worker records it in the manifest. */
  sourceSHA256: string;
  /** Where the prepare Job downloads the source from. */
  sourceURL: string;
  /**
   * "sha256:<hex>" the prepare Job verifies the download against, as resolved when the generation
   * started; undefined only for sources the operator's configuration lets through unverified.
   */
  pinnedChecksum?: string;
  plan: AnswerPlan;
  config: OperatorConfig;
  /** The operator's installRuntime, "auto" resolved at start-up. */
  installRuntime: InstallRuntime;
}

/** The namespace children live in; a build read from the apiserver always has one. */
export function namespaceOf(ctx: BuildContext): string {
  const { name, namespace } = ctx.build.metadata;
  if (!namespace)
    throw new Error(`RootfsBuild ${name} has no metadata.namespace; read it from the apiserver`);
  return namespace;
}
