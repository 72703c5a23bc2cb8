import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { programConsumer } from "../../../src/steps/extract/byte-consumer.js";

const dir = await mkdtemp(path.join(os.tmpdir(), "byte-consumer-"));
after(() => rm(dir, { recursive: true, force: true }));

/** Field 19 of /proc/<pid>/stat: the nice value. */
function niceOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
}

void test("a helper given a niceness runs at it, and so do the processes it starts", async () => {
  const output = path.join(dir, "stat");
  // `; true` makes sh fork cat instead of exec'ing it: cat is the helper's child, as pigz is a wrapper's.
  const helper = await programConsumer("probe", "sh", ["-c", "cat /proc/self/stat; true"], output, 10);
  await helper.finish();
  assert.equal(niceOf(await readFile(output, "utf8")), 10);
});

void test("a helper without a niceness keeps ours", async () => {
  const output = path.join(dir, "stat-default");
  const helper = await programConsumer("probe", "sh", ["-c", "cat /proc/self/stat"], output);
  await helper.finish();
  assert.equal(niceOf(await readFile(output, "utf8")), os.getPriority());
});

void test("a missing helper says which package to install, with or without a niceness", async () => {
  for (const niceness of [0, 10]) {
    const helper = await programConsumer("cgz", "pigz-not-installed", [], undefined, niceness);
    await assert.rejects(
      helper.finish(),
      /^Error: cgz: cannot run pigz-not-installed.*; install the pigz-not-installed package$/,
    );
  }
});
