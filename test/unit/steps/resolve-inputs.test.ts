// Which errors while resolving a build's references fail the build, and which are left to retry.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UnresolvedReference, type RefResolver } from "../../../src/plan/answer-plan.js";
import { resolveInputs } from "../../../src/steps/resolve-inputs.js";
import { StepFailure } from "../../../src/reasons/step-failure.js";
import { buildNamed, withRootPassword } from "../controller-builders/fixtures.js";

const refsRejecting = (err: Error): RefResolver => ({
  secretValue: () => Promise.reject(err),
  configMapValue: () => Promise.reject(err),
});

describe("resolveInputs(): reference errors", () => {
  test("an unresolved reference fails the build with ReferenceNotFound and its message", async () => {
    const build = buildNamed("missing", withRootPassword);
    const err = new UnresolvedReference("Secret builds/root does not exist: create it");
    await assert.rejects(
      resolveInputs(build, refsRejecting(err)),
      (e: unknown) =>
        e instanceof StepFailure && e.reason === "ReferenceNotFound" && e.message === err.message,
    );
  });

  test("any other error (the apiserver unreachable) is not a StepFailure: the reconciler retries", async () => {
    const build = buildNamed("transient", withRootPassword);
    const err = new Error("connect ECONNREFUSED 127.0.0.1:6443");
    await assert.rejects(resolveInputs(build, refsRejecting(err)), (e: unknown) => e === err);
  });
});
