import { join } from "node:path";
import { ISO_FIXTURES_DIR } from "../../helpers/iso-fixtures.js";
import { assertMatchesSnapshot as matches } from "../../helpers/snapshot.js";

export const SNAPSHOTS_DIR = join(ISO_FIXTURES_DIR, "snapshots");

export const assertMatchesSnapshot = (name: string, actual: string): void =>
  matches(SNAPSHOTS_DIR, name, actual);
