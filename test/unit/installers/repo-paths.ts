import path from "node:path";
import { repoRoot, sharedDir } from "../../helpers/paths.js";

export const validatorsDir = path.join(repoRoot, "test/validators");
export const fixturesDir = path.join(repoRoot, "test/fixtures/installers");
/** Shared data lives beside the repository and is never copied into it. */
export const subiquitySchemaPath = path.join(sharedDir, "fixtures/schemas/subiquity-autoinstall-schema.json");
