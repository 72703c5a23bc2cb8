import type { FailureReason } from "../reasons/status-reasons.js";
import type { RootfsBuild, RootfsBuildStatus } from "../api/rootfsbuild.js";
import type { RefResolver } from "../plan/answer-plan.js";
import type { BuildInputs } from "../plan/build-inputs.js";
import { resolveInputs } from "../steps/resolve-inputs.js";
import { resolveBuildSource } from "../plan/build-source.js";
import { textReader, type SourcePolicy } from "../steps/fetch/index.js";
import { StepFailure } from "../reasons/step-failure.js";

/** What the gather step learnt about a build's inputs. */
export type InputsOutcome =
  /** A finished build with no refresh due: nothing was looked at. */
  | { kind: "none" }
  /** Resolved in this pass, or taken from the cache of the recorded key. */
  | { kind: "resolved"; inputs: BuildInputs }
  /** The spec (or what it references) can't be built; retrying won't help. */
  | { kind: "failed"; reason: FailureReason; message: string }
  /** The checksum file could not be read now; it may come back. */
  | { kind: "unavailable"; message: string };

type Draft = RootfsBuild & { status: RootfsBuildStatus };

/**
 * Resolves a build's inputs once per generation and keeps them: the checksum file is read when a
 * generation starts, when a due spec.refresh looks again, or when no key is recorded; every other pass
 * reuses the inputs of the recorded key. After a restart (an empty cache) the answer file is rendered
 * again from its references with the recorded digest, and the decision compares the keys.
 */
export class BuildInputsCache {
  private readonly byUid = new Map<string, { generation: number; inputs: BuildInputs }>();

  constructor(
    private readonly policy: SourcePolicy,
    private readonly refsFor: (namespace: string) => RefResolver,
  ) {}

  async gather(draft: Draft, mode: "fetch" | "recorded"): Promise<InputsOutcome> {
    const uid = draft.metadata.uid ?? "";
    const generation = draft.metadata.generation ?? 0;
    const recordedKey = draft.status.buildKey;
    const cached = this.byUid.get(uid);
    if (
      mode === "recorded" &&
      recordedKey &&
      cached?.generation === generation &&
      cached.inputs.key === recordedKey
    )
      return { kind: "resolved", inputs: cached.inputs };
    const pinned = mode === "recorded" ? draft.status.source?.checksum?.replace(/^sha256:/, "") : undefined;
    try {
      const build = await this.withIsoSource(draft, mode);
      const inputs = await resolveInputs(build, this.refsFor(draft.metadata.namespace ?? ""), {
        policy: this.policy,
        pinnedSHA256: pinned,
      });
      this.byUid.set(uid, { generation, inputs });
      return { kind: "resolved", inputs };
    } catch (err) {
      if (!(err instanceof StepFailure)) throw err;
      // An unreachable checksum file may come back; everything else is the spec's to fix.
      if (err.reason === "DownloadFailed") return { kind: "unavailable", message: err.message };
      return { kind: "failed", reason: err.reason, message: err.message };
    }
  }

  /**
   * The build with spec.source.official replaced by the ISO it names. The listings are read when the
   * inputs are, and the URL found then is recorded (status.source): later passes use it, not a newer one.
   */
  private async withIsoSource(draft: Draft, mode: "fetch" | "recorded"): Promise<RootfsBuild> {
    if (draft.spec.source.official === undefined) return draft;
    const recorded = draft.status.source;
    if (mode === "recorded" && recorded?.url && recorded.checksum) {
      const iso = { url: recorded.url, checksum: recorded.checksum };
      return { ...draft, spec: { ...draft.spec, source: { iso } } };
    }
    return (await resolveBuildSource(draft, textReader(this.policy))).build;
  }

  forget(uid: string): void {
    this.byUid.delete(uid);
  }
}
