import type { FailureReason } from "../reasons/status-reasons.js";
import type { RootfsBuild } from "../api/rootfsbuild.js";
import type { RootfsImage } from "../api/rootfsimage.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import { isAlreadyExists, type KubeClient } from "../runtime/index.js";
import type { BackendState } from "./backend.js";
import { nameTakenMessage } from "./build-observe.js";
import { existingEntryVerdict, imageFor, type CatalogScope } from "./catalog.js";
import type { OperatorConfig } from "./config.js";
import { rootfsImageRef } from "./rootfs-refs.js";

export type PublishResult =
  | { kind: "published"; image: RootfsImage }
  /** An identical build's entry was already at the name, and this build may use it. */
  | { kind: "usable"; image: RootfsImage }
  | { kind: "refused"; reason: FailureReason; message: string };

/**
 * Records a finished build in the catalog, after checking what the backend reports against what the
 * build pinned: the source's digest must be the one resolved when the generation started. An entry
 * already at the name counts only if it is this build's, or an identical one this build may use.
 */
export async function publishImage(
  client: KubeClient,
  config: OperatorConfig,
  run: {
    build: RootfsBuild;
    inputs: BuildInputs;
    scope: CatalogScope;
    outcome: Extract<BackendState, { kind: "succeeded" }>;
  },
): Promise<PublishResult> {
  const { build, inputs, scope, outcome } = run;
  const reported = outcome.sourceSHA256;
  if (inputs.pinnedChecksum && reported !== undefined && reported !== inputs.sourceSHA256) {
    return {
      kind: "refused",
      reason: "ChecksumMismatch",
      message:
        `The build's source was verified as sha256:${reported}, but the build pinned sha256:${inputs.sourceSHA256} ` +
        "when it started; nothing was published. Check that spec.source points at a file that does not change",
    };
  }
  const image = imageFor(build, inputs.key, inputs.sourceSHA256, scope, outcome);
  try {
    return { kind: "published", image: await client.create(rootfsImageRef, image) };
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const existing = await client.getOrUndefined<RootfsImage>(rootfsImageRef, image.metadata.name);
  if (!existing) return publishImage(client, config, run); // deleted since the create: create it again
  switch (existingEntryVerdict(existing, build, inputs.key, config)) {
    case "ours":
      return { kind: "published", image: existing };
    case "usable":
      return { kind: "usable", image: existing };
    case "taken":
      return {
        kind: "refused",
        reason: "CatalogNameTaken",
        message: `${nameTakenMessage(image.metadata.name)}. The outputs are in the build's storage but not in the catalog`,
      };
  }
}
