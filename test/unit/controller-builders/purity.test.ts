import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { allChildren } from "./all-children.js";
import { buildNamed, contextFor, distroCases, storageCases, withStorage } from "./fixtures.js";

/** Paths of objects and arrays reachable twice: a caller editing one place would silently edit the other. */
function aliasedPaths(root: unknown): string[] {
  const seen = new Map<object, string>();
  const aliased: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== "object") return;
    const first = seen.get(node);
    if (first !== undefined) {
      aliased.push(`${path} is ${first}`);
      return;
    }
    seen.set(node, path);
    for (const [key, child] of Object.entries(node)) walk(child, `${path}.${key}`);
  };
  walk(root, "$");
  return aliased;
}

describe("builders are pure", () => {
  for (const distro of distroCases) {
    for (const storage of storageCases) {
      test(`${distro.id}, ${storage.id}: equal inputs give equal, unaliased objects`, async () => {
        const build = buildNamed("pure", distro.modifier, withStorage(storage.storage));
        const ctx = await contextFor(build);
        const snapshot = structuredClone(ctx);
        const first = allChildren(ctx);
        const second = allChildren(ctx);
        assert.deepEqual(second, first);
        assert.deepEqual(aliasedPaths([first, second, ctx]), []);
        assert.deepEqual(ctx, snapshot, "the context is not modified");
      });
    }
  }
});
