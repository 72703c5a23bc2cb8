import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { test } from "node:test";
import { lowerPriority } from "../../../src/steps/extract/helper-priority.js";

/** The nice value of every thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat). */
async function threadNiceness(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`);
  return Promise.all(
    tasks.map(async (tid) => {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    }),
  );
}

test("every thread of a running multi-threaded program gets the lower priority", async () => {
  // node itself: V8 and libuv start several threads before running the script.
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"], { stdio: "ignore" });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pid = child.pid ?? 0;
    const before = await threadNiceness(pid);
    assert.ok(before.length > 1, "the program runs several threads");
    await lowerPriority(pid, 10);
    assert.deepEqual(
      await threadNiceness(pid),
      before.map(() => 10),
    );
  } finally {
    child.kill();
  }
});

test("a process that is gone is ignored", async () => {
  const child = spawn("true");
  await new Promise((resolve) => child.on("exit", resolve));
  await lowerPriority(child.pid ?? 0, 10);
});
