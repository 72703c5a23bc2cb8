import path from "node:path";

/** The repository root, from the compiled location dist/test/helpers/. */
export const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
/** The shared data beside the repository (../shared), as CI lays it out. */
export const sharedDir = path.resolve(repoRoot, "..", "shared");
