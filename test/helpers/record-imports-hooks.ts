// The loader hooks record-imports.ts registers; they run on node's loader thread.
import { appendFileSync } from "node:fs";
import type { InitializeHook, ResolveHook } from "node:module";

let file = "";

export const initialize: InitializeHook<{ file: string }> = (data) => {
  file = data.file;
};

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
};
