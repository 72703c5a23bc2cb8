import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, test } from "node:test";
import { parse as yamlParse } from "yaml";
import { renderApiFiles, renderCrds } from "../../../src/api/crd-files.js";
import { InvalidObjectError, parseRootfsBuild } from "../../../src/api/validate.js";
import { readBuildFile } from "../../../src/cli/build-file.js";
import { rootfsBuild, set } from "../../helpers/builds.js";
import { invalidBuilds } from "../../helpers/invalid-builds.js";
import { repoRoot } from "../../helpers/paths.js";

describe("RootfsBuild schema", () => {
  test("fills in documented defaults", () => {
    const build = parseRootfsBuild(rootfsBuild("defaults"));
    assert.equal(build.spec.install.diskSize, "20Gi");
    assert.equal(build.spec.install.selinux, "disabled");
    assert.deepEqual(build.spec.outputs.cgz, { enabled: true, compression: "gzip" });
    assert.equal(build.spec.outputs.layout, "flat");
    assert.equal(build.spec.outputs.postProcess.sshHostKeys, "remove");
  });

  for (const { why, build, field } of invalidBuilds) {
    test(`rejects ${why}, naming ${field}`, () => {
      assert.throws(
        () => parseRootfsBuild(build),
        (err: unknown) => {
          assert.ok(err instanceof InvalidObjectError);
          assert.ok(
            err.problems.some((p) => p.startsWith(field)),
            `expected a problem naming ${field}, got:\n${err.message}`,
          );
          return true;
        },
      );
    });
  }

  test("rejects unknown fields by name", () => {
    assert.throws(
      () => parseRootfsBuild(rootfsBuild("typo", set("spec.outputs.nfroot", true))),
      /spec\.outputs: unknown field\(s\) "nfroot"/,
    );
  });

  test("every example parses", async () => {
    const dir = path.join(repoRoot, "examples");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".yaml"));
    assert.ok(files.length >= 6);
    for (const file of files) {
      const { build } = await readBuildFile(path.join(dir, file));
      assert.equal(build.kind, "RootfsBuild", file);
    }
  });
});

describe("generated CRDs", () => {
  test("crds/ and docs/reference.md match what the zod schemas produce", async () => {
    for (const file of renderApiFiles()) {
      const committed = await readFile(path.join(repoRoot, file.path), "utf8");
      assert.equal(committed, file.content, `${file.path} is stale: run npm run gen:crds`);
    }
  });

  test("every string and list is bounded", () => {
    const unbounded: string[] = [];
    const walk = (node: SchemaNode, where: string): void => {
      const isString = node.type === "string" && !node.enum && node.format !== "date-time";
      if (isString && node.maxLength === undefined) unbounded.push(where);
      if (node.type === "array" && node.maxItems === undefined) unbounded.push(where);
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${where}.${key}`);
      if (node.items) walk(node.items, `${where}[]`);
    };
    for (const file of renderCrds()) {
      const schema = openApiSchemaOf(file.content);
      walk(schema.properties?.spec ?? {}, `${file.path}:spec`);
      walk(schema.properties?.status ?? {}, `${file.path}:status`);
    }
    assert.deepEqual(unbounded, []);
  });
});

interface SchemaNode {
  type?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  maxItems?: number;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function openApiSchemaOf(content: string): SchemaNode {
  const crd = yamlParse(content) as { spec: { versions: { schema: { openAPIV3Schema: SchemaNode } }[] } };
  const [served] = crd.spec.versions;
  assert.ok(served);
  return served.schema.openAPIV3Schema;
}
