#!/usr/bin/env node
// Runs the compiled test suites with node's built-in test runner.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|real-debian ...]
// (default: unit, integration and e2e; real-debian is opt-in: npm run test:real-debian)
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

const suites = process.argv.slice(2);
const selected = suites.length > 0 ? suites : ["unit", "integration", "e2e"];
const dirs = selected.map((s) => `dist/test/${s}`).filter((d) => existsSync(d));
if (dirs.length === 0) {
  console.error(`No compiled test directories for: ${selected.join(", ")} (run npm run build first)`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...dirs], { stdio: "inherit" });
process.exit(result.status ?? 1);
