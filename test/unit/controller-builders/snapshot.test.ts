import { test } from "node:test";
import { stringify } from "yaml";
import { allChildren } from "./all-children.js";
import {
  buildNamed,
  contextFor,
  distroCases,
  operatorConfig,
  pvcStorage,
  s3Storage,
  withStorage,
} from "./fixtures.js";
import { assertMatchesSnapshot } from "./snapshot.js";

test("the children of an openEuler x86_64 build publishing to a PVC and S3 match the snapshot", async () => {
  const distro = distroCases[0];
  if (!distro) throw new Error("no distro cases");
  const build = buildNamed(
    "openeuler-24-03",
    distro.modifier,
    withStorage({ pvc: pvcStorage, s3: s3Storage }),
  );
  const ctx = await contextFor(build, {
    config: operatorConfig({
      storageClassName: "fast-local",
      workerImage: "ghcr.io/rootfs-operator/worker:0.1.0",
    }),
  });
  const yaml = Object.values(allChildren(ctx))
    .map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }))
    .join("---\n");
  assertMatchesSnapshot("openeuler-x86_64-pvc-s3.yaml", yaml);
});
