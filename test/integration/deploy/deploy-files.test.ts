// deploy/ is kept in step with the Helm chart: the chart rendered by the real helm with its default values.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { renderDeployFiles } from "../../../scripts/deploy-files.js";
import { resolveHelm } from "../../harness/helm.js";
import { repoRoot } from "../../helpers/paths.js";
import { only, parseObjects } from "./chart.js";

describe("Helm chart", () => {
  test("deploy/ is the chart rendered with its default values (npm run gen:deploy)", async () => {
    const files = await renderDeployFiles(await resolveHelm(), repoRoot);
    assert.deepEqual(
      files.map((f) => f.path),
      ["deploy/all-in-one.yaml", "deploy/kustomization.yaml"],
    );
    for (const file of files) {
      const committed = await readFile(path.join(repoRoot, file.path), "utf8").catch(() => "");
      assert.ok(committed === file.content, `${file.path} is stale: run npm run gen:deploy`);
    }
    const objects = parseObjects(files[0]?.content ?? "");
    const namespace = only(objects, "Namespace");
    assert.equal(namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
  });
});
