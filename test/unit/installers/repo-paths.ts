import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { repoRoot, sharedDir } from "../../helpers/paths.js";

export const validatorsDir = path.join(repoRoot, "test/validators");
export const fixturesDir = path.join(repoRoot, "test/fixtures/installers");
/** Shared data lives beside the repository and is never copied into it. */
export const subiquitySchemaPath = path.join(sharedDir, "fixtures/schemas/subiquity-autoinstall-schema.json");

/** The Python with pykickstart: $PYTHON, else the venv test/validators/install.sh makes, else python3. */
export function validatorPython(): string {
  if (process.env.PYTHON) return process.env.PYTHON;
  const cache = process.env.ROOTFS_CACHE_DIR ?? path.join(homedir(), ".cache", "rootfs-operator");
  const venv = path.join(cache, "venv-validators", "bin", "python");
  return existsSync(venv) ? venv : "python3";
}
