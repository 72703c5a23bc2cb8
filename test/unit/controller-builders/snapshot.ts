import path from "node:path";
import { repoRoot } from "../../helpers/paths.js";
import { assertMatchesSnapshot as matches } from "../../helpers/snapshot.js";

export const snapshotsDir = path.join(repoRoot, "test", "unit", "controller-builders", "snapshots");

export const assertMatchesSnapshot = (name: string, actual: string): void =>
  matches(snapshotsDir, name, actual);
